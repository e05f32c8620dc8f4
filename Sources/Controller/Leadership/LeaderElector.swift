import DesiredState
import Foundation
import Logging

/// A leader lease in the store: many replicas serve the API, one reconciles. Defaults follow
/// client-go's leader election: lease 15 s, renew every 10 s, retry every 2 s.
///
/// Clocks: the lease's expiry lives on the store's clock (the database's `now()` on Postgres),
/// so replicas with skewed clocks still agree on it; this replica's own deadline for a renewal
/// is measured on its monotonic clock, from its last successful renewal.
///
/// `holdUntilLost` returns the moment leadership can no longer be proven: a renewal was
/// refused, failed, or did not finish before the lease would have expired. The caller stops
/// acting at once (it cancels the controller's work), so two replicas never act together for
/// longer than the time a renewal may take.
public struct LeaderElector: Sendable {
    let store: any Leases
    let name: String
    public let holder: String
    let ttl: Duration
    let renewEvery: Duration
    let retryEvery: Duration
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        store: any Leases, name: String = "controller", holder: String, ttl: Duration = .seconds(15),
        renewEvery: Duration = .seconds(10), retryEvery: Duration = .seconds(2),
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "bap.leader")
    ) {
        self.store = store
        self.name = name
        self.holder = holder
        self.ttl = ttl
        self.renewEvery = renewEvery
        self.retryEvery = retryEvery
        self.now = now
        self.logger = logger
    }

    /// Returns once this replica holds the lease. Throws only on cancellation.
    public func waitForLeadership() async throws {
        while true {
            try Task.checkCancellation()
            if (try? await store.acquireLease(name: name, holder: holder, ttl: ttl, now: now())) == true { return }
            try await Task.sleep(for: retryEvery)
        }
    }

    /// Renews until a renewal is refused, fails, or runs past the lease's expiry; then returns.
    /// Returns at once on cancellation.
    public func holdUntilLost() async {
        var lastRenewal = ContinuousClock.now
        while !Task.isCancelled {
            do { try await Task.sleep(for: renewEvery) } catch { return }
            let deadline = lastRenewal.advanced(by: ttl - .milliseconds(500))
            guard await renew(before: deadline) else {
                logger.warning("leader lease lost", metadata: ["holder": "\(holder)"])
                return
            }
            lastRenewal = ContinuousClock.now
        }
    }

    /// Gives the lease up (on graceful shutdown) so another replica takes over at once.
    public func release() async {
        try? await store.releaseLease(name: name, holder: holder)
    }

    /// One renewal raced against the deadline: late counts as lost. A failed or refused renewal
    /// is logged with its reason (the caller then logs the loss).
    func renew(before deadline: ContinuousClock.Instant) async -> Bool {
        let store = self.store, name = self.name, holder = self.holder, ttl = self.ttl, at = now(), logger = self.logger
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    let renewed = try await store.acquireLease(name: name, holder: holder, ttl: ttl, now: at)
                    if !renewed { logger.warning("leader lease renewal refused: another replica holds it", metadata: ["holder": "\(holder)"]) }
                    return renewed
                } catch is CancellationError {
                    logger.warning("leader lease renewal did not finish before the lease would expire", metadata: ["holder": "\(holder)"])
                    return false
                } catch {
                    logger.warning("leader lease renewal failed", metadata: ["holder": "\(holder)", "error": "\(String(reflecting: error))"])
                    return false
                }
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
