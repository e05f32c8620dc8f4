import DesiredState
import Foundation
import PostgresNIO
import StoreSupport

extension PostgresStore: StoreRetention {
    /// The marker is written (and committed) before the entries are deleted; see `ChangeLogWindow`.
    /// Two statements, not one transaction: the counter row is every writer's last lock, and
    /// holding it across a large delete would stall every write.
    public func compactChanges(keepingLast: Int64) async throws -> Int64 {
        let through = try await rows("""
            UPDATE revision_counter SET compacted_through = GREATEST(compacted_through, value - \(max(1, keepingLast))) WHERE id = 1
            RETURNING compacted_through
            """).first?.decode(Int64.self) ?? 0
        _ = try await rows("DELETE FROM changes WHERE revision <= \(through)")
        return through
    }

    public func compactedThrough() async throws -> Int64 {
        try await rows("SELECT compacted_through FROM revision_counter WHERE id = 1").first?.decode(Int64.self) ?? 0
    }

    /// `audit_log.timestamp` is a `timestamptz` (the original's DDL).
    public func pruneAudit(before cutoff: Date) async throws -> Int {
        try await rows("""
            DELETE FROM audit_log WHERE timestamp < \(cutoff)
              AND id IS DISTINCT FROM (SELECT max(id) FROM audit_log WHERE action = 'restart_breaker')
            RETURNING id
            """).count
    }
}
