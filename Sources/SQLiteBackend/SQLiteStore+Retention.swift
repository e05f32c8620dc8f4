import DesiredState
import Foundation
import SQLiteNIO
import StoreSupport

extension SQLiteStore: StoreRetention {
    /// The marker is written (and committed) before the entries are deleted; see `ChangeLogWindow`.
    public func compactChanges(keepingLast: Int64) async throws -> Int64 {
        let through = try await rows("""
            UPDATE revision_counter SET compacted_through = max(compacted_through, value - ?1) WHERE id = 1
            RETURNING compacted_through
            """, [.int64(max(1, keepingLast))]).first?.int64("compacted_through") ?? 0
        _ = try await rows("DELETE FROM changes WHERE revision <= ?1", [.int64(through)])
        return through
    }

    public func compactedThrough() async throws -> Int64 {
        try await rows("SELECT compacted_through FROM revision_counter WHERE id = 1").first?.int64("compacted_through") ?? 0
    }

    public func pruneAudit(before cutoff: Date) async throws -> Int {
        try await rows("""
            DELETE FROM audit_log WHERE timestamp < ?1
              AND id IS NOT (SELECT max(id) FROM audit_log WHERE action = 'restart_breaker')
            RETURNING id
            """, [.time(cutoff)]).count
    }
}
