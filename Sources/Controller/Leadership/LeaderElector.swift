import DesiredState
import Foundation
import Logging

/// A leader lease in the store: many replicas serve the API, one reconciles. Defaults follow
/// client-go's leader election: lease 15 s, renew every 10 s, retry every 2 s.
///
/// `holdUntilLost` returns the moment leadership can no longer be proven: a renewal was
/// refused, failed, or did not finish before the lease would have expired. The caller stops
/// acting at once (it cancels the controller's work), so two replicas never act together for
/// longer than the time a renewal may take.
public struct LeaderElector: Sendable {
    let store: any Store
    let name: String
    public let holder: String
    let ttl: Duration
    let renewEvery: Duration
    let retryEvery: Duration
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        store: any Store, name: String = "controller", holder: String, ttl: Duration = .seconds(15),
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

    /// One renewal raced against the deadline: late counts as lost.
    func renew(before deadline: ContinuousClock.Instant) async -> Bool {
        let store = self.store, name = self.name, holder = self.holder, ttl = self.ttl, at = now()
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await store.acquireLease(name: name, holder: holder, ttl: ttl, now: at)) == true }
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
