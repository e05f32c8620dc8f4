import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Engine log files of the process driver: read from the end in bounded memory, rotated by
/// copy-truncate (the engine holds its log open with `O_APPEND`, so it keeps writing to the
/// same file, now empty, at its new end).
enum LogFile {
    /// Read size when walking a file backwards.
    static let chunkSize = 64 * 1024

    /// The last `lines` lines of the files in `paths` (newest file first, each older one read
    /// after the newer is used up), at most `maxBytes` bytes: memory stays under
    /// `maxBytes + chunkSize` whatever the files' sizes. When the byte cap cuts, the answer
    /// starts at the next whole line (unless a single line is longer than the cap). Lines are
    /// joined by `\n`, without a final newline. Missing files are empty.
    static func tail(_ paths: [String], lines: Int, maxBytes: Int) -> String {
        guard lines > 0, maxBytes > 0 else { return "" }
        var chunks: [ArraySlice<UInt8>] = []  // newest first
        var total = 0
        var newlines = 0
        var first = true
        var complete = false
        files: for path in paths {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var end = lseek(fd, 0, SEEK_END)
            while end > 0 {
                let size = min(chunkSize, Int(end), maxBytes - total)
                guard size > 0 else { break files }
                var buffer = [UInt8](repeating: 0, count: size)
                let start = end - off_t(size)
                guard pread(fd, &buffer, size, start) == size else { break files }
                end = start
                var keepFrom = 0
                for index in stride(from: size - 1, through: 0, by: -1) where buffer[index] == UInt8(ascii: "\n") {
                    // The newline that ends the newest line separates nothing.
                    if first && index == size - 1 { continue }
                    newlines += 1
                    if newlines == lines { keepFrom = index + 1; complete = true; break }
                }
                first = false
                chunks.append(buffer[keepFrom...])
                total += size - keepFrom
                if complete { break files }
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        for chunk in chunks.reversed() { bytes += chunk }
        if !complete, total >= maxBytes, let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
            bytes.removeSubrange(...newline)  // A line cut by the byte cap is left out whole.
        }
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Past `limit` bytes: the newest `limit` bytes go to `<path>.1` (replacing the older file,
    /// through a temporary file and a rename), then `path` is truncated to zero. Lines written
    /// between the copy and the truncation are lost (copy-truncate's known gap, a few ms).
    /// Answers whether it rotated; any I/O failure leaves the log as it was.
    @discardableResult
    static func rotateIfNeeded(_ path: String, limit: Int) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, Int(info.st_size) > limit else { return false }
        let source = open(path, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { return false }
        defer { close(source) }
        let temporary = path + ".1.tmp"
        let target = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard target >= 0 else { return false }
        var offset = off_t(Int(info.st_size) - limit)
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var ok = true
        while ok {
            let read = pread(source, &buffer, chunkSize, offset)
            if read <= 0 { ok = read == 0; break }
            ok = buffer.withUnsafeBytes { write(target, $0.baseAddress, read) } == read
            offset += off_t(read)
        }
        close(target)
        guard ok, rename(temporary, path + ".1") == 0 else {
            unlink(temporary)
            return false
        }
        return truncate(path, 0) == 0
    }
}
