import Foundation

/// Keeps the change log and the audit log from growing forever. The leader runs it
/// periodically (`RetentionSweeper`); both stores implement it.
///
/// Compaction works like etcd's: entries up to a revision are dropped and that revision is
/// recorded as `compacted_through`; from then on `changes(since:)` with an older `since`
/// throws `StoreError(.compacted(through:))` instead of silently skipping what it no longer
/// has, and a watcher that gets it must start over from a snapshot (the API answers 410
/// `RESYNC_REQUIRED`, or an SSE `resync` event on an open stream).
public protocol StoreRetention: Sendable {
    /// Drops change-log entries so that at most the newest `keepingLast` revisions remain, and
    /// returns the new `compactedThrough` (it never moves back).
    func compactChanges(keepingLast: Int64) async throws -> Int64
    /// The newest revision whose change-log entry may have been dropped (0: none).
    func compactedThrough() async throws -> Int64
    /// Deletes audit rows older than `cutoff`, except the newest `restart_breaker` row (the
    /// breaker's last state is read back from it). Returns how many were deleted.
    func pruneAudit(before cutoff: Date) async throws -> Int
}
