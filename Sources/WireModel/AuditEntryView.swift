import DesiredState
import Foundation

/// One audit row on the wire: ids lowercase like every other id the API writes; absent fields
/// left out.
public struct AuditEntryView: Codable, Sendable {
    public var entry: AuditEntry

    public init(_ entry: AuditEntry) { self.entry = entry }

    enum CodingKeys: String, CodingKey {
        case id, timestamp, action, actor, metadata
        case productID = "product_id"
        case userID = "user_id"
        case engineID = "engine_id"
        case durationMs = "duration_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(entry.id, forKey: .id)
        try c.encode(entry.timestamp, forKey: .timestamp)
        try c.encode(entry.action, forKey: .action)
        try c.encode(entry.actor, forKey: .actor)
        try c.encode(entry.metadata, forKey: .metadata)
        try c.encodeIfPresent(entry.productID?.uuidString.lowercased(), forKey: .productID)
        try c.encodeIfPresent(entry.userID, forKey: .userID)
        try c.encodeIfPresent(entry.engineID?.uuidString.lowercased(), forKey: .engineID)
        try c.encodeIfPresent(entry.durationMs, forKey: .durationMs)
    }

    /// The row's own decoding reads the same fields (ids in either case).
    public init(from decoder: any Decoder) throws { entry = try AuditEntry(from: decoder) }
}

/// `GET /v1/audit` answer, newest first.
public struct AuditResponse: Codable, Sendable {
    public var entries: [AuditEntryView]

    public init(entries: [AuditEntryView]) { self.entries = entries }
}
