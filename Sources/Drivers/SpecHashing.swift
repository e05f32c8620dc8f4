import Crypto
import Foundation

enum SpecHashing {
    /// First 16 hex chars of SHA-256: enough to tell specs apart, short enough for a label.
    static func hash(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
