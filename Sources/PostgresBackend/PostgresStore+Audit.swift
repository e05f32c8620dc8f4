import DesiredState
import Foundation
import PostgresNIO
import StoreSupport

extension PostgresStore {
    /// All entries in one transaction. `id` of the entries is ignored (the table assigns it).
    public func appendAudit(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await transaction { tx in
            for entry in entries {
                let metadata = try StoreJSON.encode(entry.metadata)
                try await tx.connection.query("""
                    INSERT INTO audit_log (timestamp, product_id, user_id, engine_id, action, actor, metadata, duration_ms)
                    VALUES (\(entry.timestamp), \(entry.productID), \(entry.userID), \(entry.engineID), \(entry.action.rawValue),
                            \(entry.actor), \(metadata)::jsonb, \(entry.durationMs.map { Int32(clamping: $0) }))
                    """, logger: self.logger)
            }
        }
    }

    /// Newest first. `since` is inclusive, `until` exclusive.
    public func audit(_ query: AuditQuery) async throws -> [AuditEntry] {
        let action = query.action?.rawValue
        return try await rows("""
            SELECT id, timestamp, product_id, user_id, engine_id, action, actor, metadata::text, duration_ms FROM audit_log
            WHERE (\(query.productID)::uuid IS NULL OR product_id = \(query.productID))
              AND (\(query.userID)::text IS NULL OR user_id = \(query.userID))
              AND (\(query.engineID)::uuid IS NULL OR engine_id = \(query.engineID))
              AND (\(action)::text IS NULL OR action = \(action))
              AND (\(query.since)::timestamptz IS NULL OR timestamp >= \(query.since))
              AND (\(query.until)::timestamptz IS NULL OR timestamp < \(query.until))
            ORDER BY timestamp DESC, id DESC LIMIT \(max(0, query.limit))
            """).map { row in
            let (id, timestamp, productID, userID, engineID, action, actor, metadata, duration) =
                try row.decode((Int64, Date, UUID?, String?, UUID?, String, String, String, Int32?).self)
            return AuditEntry(
                id: id, timestamp: timestamp, productID: productID, userID: userID, engineID: engineID,
                action: AuditAction(rawValue: action), actor: actor,
                metadata: try StoreJSON.decode([String: String].self, metadata), durationMs: duration.map(Int.init)
            )
        }
    }
}
