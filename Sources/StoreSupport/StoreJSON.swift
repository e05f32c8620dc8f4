import DesiredState
import Foundation

/// How both stores write JSON columns (spec, status, policy, metadata): sorted keys, dates as
/// epoch seconds (doubles round-trip exactly).
package enum StoreJSON {
    package static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    package static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.userInfo[.storedValue] = true
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError(.unavailable, detail: "stored \(T.self) does not decode: \(error)")
        }
    }

    package static func seconds(_ date: Date) -> Double { date.timeIntervalSince1970 }
    package static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }
}
