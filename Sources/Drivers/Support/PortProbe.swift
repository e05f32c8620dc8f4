import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Whether a TCP port can be bound right now on an address: a port some other program holds
/// (a leftover engine of an earlier run, anything else) is skipped by the allocator instead of
/// being handed to an engine that would then fail to listen.
enum PortProbe {
    /// True when `address:port` can be bound (IPv4 dotted address; `0.0.0.0` for all).
    /// Anything unexpected (socket creation failing, a bad address) counts as free: the probe
    /// only avoids clashes, it never blocks allocation.
    static func isFree(_ port: Int, address: String) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else { return true }
        let result = withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }
}
