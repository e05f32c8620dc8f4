import DesiredState
import Foundation
import Testing
import TestSupport

extension StoreConformance {
    @Test("200 concurrent creates under max_engines = 50 end with exactly 50", arguments: StoreKind.allCases)
    func quotaRace(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind, maxConnections: 64) { store in
            let demo = try await Self.product(store, maxEngines: 50)
            let clock = ContinuousClock()
            let started = clock.now
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        do {
                            _ = try await Self.engine(store, demo, "racer-\(i)", max: 50)
                            return true
                        } catch let error as StoreError where error.code == .quotaExceeded(limit: 50) {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            let elapsed = started.duration(to: clock.now)
            print("quota race [\(kind)]: 200 creates in \(elapsed)")
            #expect(outcomes.filter { $0 }.count == 50)
            #expect(try await store.listEngines(EngineQuery(productID: demo.id)).total == 50)
            #expect(try await store.currentRevision() == 50)
        }
    }

    @Test("token bucket: N takes at one instant allow exactly the capacity, then refill", arguments: StoreKind.allCases)
    func tokenBucket(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind, maxConnections: 32) { store in
            let takes = try await withThrowingTaskGroup(of: TokenDecision.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await store.takeToken(key: "p1", capacity: 10, refillPerSecond: 1, now: Self.t0) }
                }
                return try await group.reduce(into: [TokenDecision]()) { $0.append($1) }
            }
            #expect(takes.filter(\.allowed).count == 10)
            let refused = try #require(takes.first { !$0.allowed })
            #expect(refused.retryAfter == 1 && refused.remaining == 0)

            var later: [TokenDecision] = []
            for _ in 0..<5 {
                later.append(try await store.takeToken(key: "p1", capacity: 10, refillPerSecond: 1, now: Self.t0.addingTimeInterval(2.5)))
            }
            #expect(later.map(\.allowed) == [true, true, false, false, false])
            #expect(abs(later[4].retryAfter - 0.5) < 1e-9)
            // A clock behind the bucket's never refills it.
            #expect(try await !store.takeToken(key: "p1", capacity: 10, refillPerSecond: 1, now: Self.t0).allowed)
            // Latency of one take on an otherwise idle store (one statement, one round trip).
            let clock = ContinuousClock()
            var durations: [Duration] = []
            for i in 0..<200 {
                let started = clock.now
                _ = try await store.takeToken(key: "lat", capacity: 1000, refillPerSecond: 10, now: Self.t0.addingTimeInterval(Double(i)))
                durations.append(started.duration(to: clock.now))
            }
            durations.sort()
            print("token take [\(kind)]: p50 \(durations[100]), p99 \(durations[198])")
            // Another key is another bucket.
            #expect(try await store.takeToken(key: "p2", capacity: 1, refillPerSecond: 1, now: Self.t0).allowed)
        }
    }

    @Test("token bucket is exact across two clients at once", arguments: StoreKind.allCases)
    func tokenBucketTwoClients(kind: StoreKind) async throws {
        try await StoreFactory.withStores(kind, count: 2, maxConnections: 16) { stores in
            let clock = ContinuousClock()
            let started = clock.now
            let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<100 {
                    let store = stores[i % 2]
                    group.addTask { try await store.takeToken(key: "shared", capacity: 30, refillPerSecond: 0.5, now: Self.t0).allowed }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            print("token bucket [\(kind)]: 100 takes from 2 clients in \(started.duration(to: clock.now))")
            #expect(allowed == 30)
        }
    }

    /// SQLite and the in-memory store judge expiry on the caller's clock (one host), so time can be played forward;
    /// Postgres uses its own `now()` (next test).
    @Test("lease: one holder at a time, renewable, free after expiry or release", arguments: [StoreKind.sqlite, .memory])
    func lease(kind: StoreKind) async throws {
        try await StoreFactory.withStores(kind, count: 2) { stores in
            let (a, b) = (stores[0], stores[1])
            let ttl = Duration.seconds(15)
            #expect(try await a.acquireLease(name: "controller", holder: "a", ttl: ttl, now: Self.t0))
            #expect(try await !b.acquireLease(name: "controller", holder: "b", ttl: ttl, now: Self.t0.addingTimeInterval(5)))
            #expect(try await a.acquireLease(name: "controller", holder: "a", ttl: ttl, now: Self.t0.addingTimeInterval(10)))
            #expect(try await !b.acquireLease(name: "controller", holder: "b", ttl: ttl, now: Self.t0.addingTimeInterval(20)))
            #expect(try await b.acquireLease(name: "other", holder: "b", ttl: ttl, now: Self.t0))
            // a's renewal at +10 s lasts until +25 s.
            #expect(try await b.acquireLease(name: "controller", holder: "b", ttl: ttl, now: Self.t0.addingTimeInterval(25.5)))
            #expect(try await !a.acquireLease(name: "controller", holder: "a", ttl: ttl, now: Self.t0.addingTimeInterval(26)))
            try await a.releaseLease(name: "controller", holder: "a")
            #expect(try await !a.acquireLease(name: "controller", holder: "a", ttl: ttl, now: Self.t0.addingTimeInterval(27)))
            try await b.releaseLease(name: "controller", holder: "b")
            #expect(try await a.acquireLease(name: "controller", holder: "a", ttl: ttl, now: Self.t0.addingTimeInterval(27)))

            // Many contenders at one instant: exactly one wins.
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<20 {
                    let store = stores[i % 2]
                    group.addTask { try await store.acquireLease(name: "race", holder: "h\(i)", ttl: ttl, now: Self.t0) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
        }
    }

    @Test("lease on Postgres: expiry is the database's clock; a caller's clock, however far ahead, cannot take a live lease")
    func leaseOnDatabaseClock() async throws {
        try await StoreFactory.withStores(.postgres, count: 2) { stores in
            let (a, b) = (stores[0], stores[1])
            let ttl = Duration.seconds(1)
            #expect(try await a.acquireLease(name: "controller", holder: "a", ttl: ttl, now: Date()))
            #expect(try await !b.acquireLease(name: "controller", holder: "b", ttl: ttl, now: Date().addingTimeInterval(3600)))
            #expect(try await a.acquireLease(name: "controller", holder: "a", ttl: ttl, now: Date().addingTimeInterval(-3600)), "renewal by the holder")
            try await eventually(timeout: .seconds(20), "the lease expires on the database's clock") {
                try await b.acquireLease(name: "controller", holder: "b", ttl: .seconds(15), now: Date())
            }
            #expect(try await !a.acquireLease(name: "controller", holder: "a", ttl: ttl, now: Date().addingTimeInterval(3600)))
            try await b.releaseLease(name: "controller", holder: "b")
            #expect(try await a.acquireLease(name: "controller", holder: "a", ttl: ttl, now: Date()))
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<20 {
                    let store = stores[i % 2]
                    group.addTask { try await store.acquireLease(name: "race", holder: "h\(i)", ttl: .seconds(15), now: Date()) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
        }
    }

    @Test("migrations are idempotent and safe when replicas migrate at once", arguments: StoreKind.allCases)
    func migrations(kind: StoreKind) async throws {
        try await StoreFactory.withStores(kind, count: 3) { stores in
            let demo = try await Self.product(stores[0])
            let clock = ContinuousClock()
            let started = clock.now
            try await stores[0].migrate()
            print("migrate (no-op) [\(kind)]: \(started.duration(to: clock.now))")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores { group.addTask { try await store.migrate() } }
                try await group.waitForAll()
            }
            #expect(try await stores[1].product(id: demo.id) == demo)
        }
    }
}
