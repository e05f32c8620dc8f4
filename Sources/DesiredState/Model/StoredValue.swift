import Foundation

extension CodingUserInfoKey {
    /// Set when a value is read back from a store: it was validated when it was written, and
    /// rules that have tightened since (an image reference grammar) must not make a stored
    /// row unreadable. Decoders of request bodies validate; stored values are taken as they are.
    package static let storedValue = CodingUserInfoKey(rawValue: "bap.storedValue")!  // A non-empty literal.
}

extension Decoder {
    /// True when decoding a value the store wrote (see `CodingUserInfoKey.storedValue`).
    package var isStoredValue: Bool { userInfo[.storedValue] as? Bool == true }
}
