import Foundation

/// The change log: every spec or status change takes the next global revision and is appended
/// in the same transaction, so `changes(since:)` never misses a committed change. Watches,
/// ready-waits and the controller's triggers read it.
public protocol ChangeFeed: Sendable {
    func currentRevision() async throws -> Int64
    /// Change-log entries with revision > `revision`, oldest first, at most `limit`. Throws
    /// `.compacted(through:)` when entries after `revision` were dropped by retention.
    func changes(since revision: Int64, limit: Int) async throws -> [Change]
    /// Returns once the revision is past `revision` or `timeout` elapsed (whichever first),
    /// with the current revision. Postgres wakes on NOTIFY, falling back to a slow poll.
    func waitForChange(after revision: Int64, timeout: Duration) async throws -> Int64
}
