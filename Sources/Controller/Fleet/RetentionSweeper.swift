import DesiredState
import Foundation
import Logging

/// The leader's periodic retention pass: compacts the change log to its newest
/// `keepRevisions` revisions and deletes audit rows older than `auditRetention`
/// (`ORCH_CHANGES_RETAINED`, `ORCH_AUDIT_RETENTION_DAYS`). Runs inside a leadership term, so
/// one replica does it; a pass that fails is logged and tried again next interval.
public struct RetentionSweeper: Sendable {
    let store: any StoreRetention
    let keepRevisions: Int64
    let auditRetention: Duration
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        store: any StoreRetention, keepRevisions: Int64 = 100_000, auditRetention: Duration = .seconds(90 * 86_400),
        interval: Duration = .seconds(600), now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "bap.retention")
    ) {
        self.store = store
        self.keepRevisions = keepRevisions
        self.auditRetention = auditRetention
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    /// A pass at once (the start of a term), then one every `interval`, until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await sweepOnce()
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// One pass; errors are logged, never thrown.
    public func sweepOnce() async {
        do {
            let through = try await store.compactChanges(keepingLast: keepRevisions)
            let cutoff = now().addingTimeInterval(-Double(auditRetention.components.seconds))
            let pruned = try await store.pruneAudit(before: cutoff)
            logger.debug("retention pass", metadata: ["compacted_through": "\(through)", "audit_rows_deleted": "\(pruned)"])
        } catch {
            if Task.isCancelled { return }  // the term ended mid-pass: not a failure
            logger.warning("retention pass failed; trying again next interval", metadata: ["error": "\(error)"])
        }
    }
}
