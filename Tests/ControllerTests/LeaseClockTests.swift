import Controller
import DesiredState
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

/// Issue #10 item 10: the lease uses one clock. On Postgres the expiry is the database's
/// `now()`, so a replica whose clock runs 30 s ahead cannot see a live lease as expired.
/// (SQLite is single-host: every contender reads the same system clock.)
@Suite("Leader lease under clock skew", .serialized)
struct LeaseClockTests {
    /// Who currently believes it leads, and the most that ever did at once.
    final class Leaders: Sendable {
        private let state = Mutex((current: Set<String>(), most: 0, terms: 0))
        func enter(_ holder: String) { state.withLock { $0.current.insert(holder); $0.terms += 1; $0.most = max($0.most, $0.current.count) } }
        func leave(_ holder: String) { state.withLock { _ = $0.current.remove(holder) } }
        var most: Int { state.withLock { $0.most } }
        var terms: Int { state.withLock { $0.terms } }
    }

    /// Campaigns, leads until the lease is lost, campaigns again: the controller's loop.
    static func campaign(_ elector: LeaderElector, _ leaders: Leaders) async {
        while !Task.isCancelled {
            do { try await elector.waitForLeadership() } catch { return }
            leaders.enter(elector.holder)
            await elector.holdUntilLost()
            leaders.leave(elector.holder)
        }
    }

    @Test("two replicas on one Postgres, one clock skewed by +30 s: never two leaders over several lease periods")
    func skewedReplicaNeverCoLeads() async throws {
        try await StoreFactory.withStores(.postgres, count: 2) { stores in
            var logger = Logger(label: "bap.test.lease")
            logger.logLevel = .warning
            let ttl = Duration.seconds(2), renew = Duration.milliseconds(700), retry = Duration.milliseconds(100)
            let honest = LeaderElector(store: stores[0], holder: "honest", ttl: ttl, renewEvery: renew, retryEvery: retry, now: { Date() }, logger: logger)
            let skewed = LeaderElector(
                store: stores[1], holder: "skewed", ttl: ttl, renewEvery: renew, retryEvery: retry, now: { Date().addingTimeInterval(30) }, logger: logger
            )
            let leaders = Leaders()
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await Self.campaign(honest, leaders) }
                try? await Task.sleep(for: .milliseconds(300))  // the honest replica leads first
                group.addTask { await Self.campaign(skewed, leaders) }
                try? await Task.sleep(for: .seconds(8))  // four lease periods
                group.cancelAll()
            }
            #expect(leaders.terms >= 1)
            #expect(leaders.most == 1, "two replicas led at once")
        }
    }
}
