import DesiredState
import Foundation
import SQLiteNIO
import StoreSupport

/// How the SQLite store writes and reads its values: UUIDs as text, times as epoch seconds.
extension SQLiteData {
    static func uuid(_ value: UUID?) -> SQLiteData { value.map { .text($0.uuidString) } ?? .null }
    static func time(_ value: Date?) -> SQLiteData { value.map { .float(StoreJSON.seconds($0)) } ?? .null }
    static func string(_ value: String?) -> SQLiteData { value.map { .text($0) } ?? .null }
    static func int(_ value: Int?) -> SQLiteData { value.map { .integer(SQLiteInt64($0)) } ?? .null }
    static func int64(_ value: Int64) -> SQLiteData { .integer(SQLiteInt64(value)) }
}

extension SQLiteRow {
    func uuid(_ column: String) throws -> UUID {
        guard let text = self.column(column)?.string, let uuid = UUID(uuidString: text) else { throw missing(column) }
        return uuid
    }

    func optionalUUID(_ column: String) -> UUID? { self.column(column)?.string.flatMap(UUID.init(uuidString:)) }

    func string(_ column: String) throws -> String {
        guard let text = self.column(column)?.string else { throw missing(column) }
        return text
    }

    func optionalString(_ column: String) -> String? {
        guard let data = self.column(column), !data.isNull else { return nil }
        return data.string
    }

    func int64(_ column: String) throws -> Int64 {
        guard let value = self.column(column)?.integer else { throw missing(column) }
        return Int64(value)
    }

    func double(_ column: String) throws -> Double {
        guard let value = self.column(column)?.double else { throw missing(column) }
        return value
    }

    func optionalDate(_ column: String) -> Date? {
        guard let data = self.column(column), !data.isNull else { return nil }
        return data.double.map(StoreJSON.date)
    }

    private func missing(_ column: String) -> StoreError {
        StoreError(.unavailable, detail: "sqlite: column \(column) missing or malformed")
    }
}
