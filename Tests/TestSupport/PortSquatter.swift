import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket on a host port, held by the test (as another program would hold it):
/// bound on 0.0.0.0, so any publish address of that port clashes with it.
public final class PortSquatter: Sendable {
    public let fd: Int32

    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var reuse: Int32 = 1  // the engine's last connections may linger in TIME_WAIT
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: INADDR_ANY)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 1) == 0 else {
            close(fd)
            throw PortSquatterError(port: port, errno: errno)
        }
    }

    deinit { close(fd) }
}

public struct PortSquatterError: Error, CustomStringConvertible {
    public let port: Int
    public let errno: Int32
    public var description: String { "could not hold port \(port): errno \(errno)" }
}
