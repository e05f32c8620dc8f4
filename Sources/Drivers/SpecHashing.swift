import Crypto
import Foundation

enum SpecHashing {
    /// First 16 hex chars of SHA-256: enough to tell specs apart, short enough for a label.
    static func hash(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: SHA256.hash(data: Data(text.utf8)).prefix(8).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] }, as: UTF8.self)
    }
}
