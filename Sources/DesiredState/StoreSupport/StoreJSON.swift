import Foundation

/// How both stores write JSON columns (spec, status, policy, metadata): sorted keys, dates as
/// epoch seconds (doubles round-trip exactly).
enum StoreJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.userInfo[.storedValue] = true
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError(.unavailable, detail: "stored \(T.self) does not decode: \(error)")
        }
    }

    static func seconds(_ date: Date) -> Double { date.timeIntervalSince1970 }
    static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }
}

extension CodingUserInfoKey {
    /// Set when a value is read back from a store: it was validated when it was written, and
    /// rules that have tightened since (an image reference grammar) must not make a stored
    /// row unreadable. Decoders of request bodies validate; stored values are taken as they are.
    static let storedValue = CodingUserInfoKey(rawValue: "bap.storedValue")!  // A non-empty literal.
}

extension Decoder {
    /// True when decoding a value the store wrote (see `CodingUserInfoKey.storedValue`).
    var isStoredValue: Bool { userInfo[.storedValue] as? Bool == true }
}
