/// Turns chunks of a byte stream into complete lines (`\n`-terminated, without the newline).
/// A line split across chunks is kept until its end arrives; `\r` before `\n` is dropped.
struct LineSplitter: Sendable {
    private var pending: [UInt8] = []

    mutating func feed(_ chunk: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") {
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                if !pending.isEmpty { lines.append(String(decoding: pending, as: UTF8.self)) }
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
        return lines
    }
}
