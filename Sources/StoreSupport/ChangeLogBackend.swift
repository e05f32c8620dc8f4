import DesiredState
import Foundation

/// A backend's change log: it reads the rows and publishes revisions; the window check and the
/// wait are written once here.
public protocol ChangeLogBackend: Sendable {
    /// Published to after each commit (SQLite) or on each NOTIFY (Postgres).
    var broadcaster: RevisionBroadcaster { get }
    func currentRevision() async throws -> Int64
    func compactedThrough() async throws -> Int64
    /// The change-log rows after `revision`, in revision order, at most `limit`.
    func changeRows(since revision: Int64, limit: Int) async throws -> [Change]
}

extension ChangeLogBackend {
    /// Throws `.compacted` when rows after `revision` are no longer kept.
    public func changes(since revision: Int64, limit: Int) async throws -> [Change] {
        let changes = try await changeRows(since: revision, limit: max(0, limit))
        try await ChangeLogWindow.check(since: revision, first: changes.first?.revision) { try await self.compactedThrough() }
        return changes
    }

    /// Woken by the broadcaster; re-reads the counter at least once a second in case a
    /// publication was missed (Postgres: the LISTEN connection down).
    public func waitForChange(after revision: Int64, timeout: Duration) async throws -> Int64 {
        try await StoreWaiting.waitForChange(after: revision, timeout: timeout, broadcaster: broadcaster, poll: .seconds(1)) {
            try await self.currentRevision()
        }
    }
}
