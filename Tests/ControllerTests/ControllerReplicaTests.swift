import Controller
import DesiredState
import Drivers
import Foundation
import Synchronization
import TestSupport
import Testing

/// Counts mutating calls so a test can tell which replica acted.
final class CountingDriver: EngineDriver {
    let inner: any EngineDriver
    init(inner: any EngineDriver) { self.inner = inner }
    let mutations = Mutex(0)

    func list() async throws(DriverError) -> [ObservedEngine] { try await inner.list() }
    func observe(_ id: UUID) async throws(DriverError) -> ObservedEngine? { try await inner.observe(id) }
    func create(_ spec: RuntimeSpec) async throws(DriverError) -> ObservedEngine { count(); return try await inner.create(spec) }
    func start(_ id: UUID) async throws(DriverError) { count(); try await inner.start(id) }
    func stop(_ id: UUID, grace: Duration) async throws(DriverError) { count(); try await inner.stop(id, grace: grace) }
    func pause(_ id: UUID) async throws(DriverError) { count(); try await inner.pause(id) }
    func unpause(_ id: UUID) async throws(DriverError) { count(); try await inner.unpause(id) }
    func remove(_ id: UUID, keepBrain: Bool) async throws(DriverError) { count(); try await inner.remove(id, keepBrain: keepBrain) }
    func events() -> AsyncStream<DriverEvent> { inner.events() }
    func logs(_ id: UUID, tail: Int) async throws(DriverError) -> String { try await inner.logs(id, tail: tail) }

    func count() { mutations.withLock { $0 += 1 } }
    var calls: Int { mutations.withLock { $0 } }
}

@Suite("Controller replicas and crashes", .serialized)
struct ControllerReplicaTests {
    @Test("two replicas: only the leader acts; when it dies the other takes over within the lease time")
    func leaderTakeover() async throws {
        try await ControllerWorld.with(replicas: 2) { worlds in
            let (a, b) = (worlds[0], worlds[1])
            let driverA = CountingDriver(inner: a.driver), driverB = CountingDriver(inner: b.driver)
            let product = try await a.product()
            let first = try await a.engine(product, "first")
            try await b.running(b.controller(driver: driverB, holder: "replica-b")) {
                // A starts after B has had time to take the lease? No: start A first, so A leads.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await a.controller(driver: driverA, holder: "replica-a").run() }
                    _ = try await a.waitReady(first.id)
                    let leader = driverA.calls > 0 ? "a" : "b"
                    #expect((driverA.calls > 0) != (driverB.calls > 0), "exactly one replica acted: a=\(driverA.calls) b=\(driverB.calls)")
                    group.cancelAll()  // the leader (if A) goes away; B must take over
                    try? await group.waitForAll()
                    if leader == "a" {
                        let second = try await a.engine(product, "second")
                        let lost = ContinuousClock.now
                        _ = try await b.waitReady(second.id, timeout: .seconds(30))
                        print("takeover: second engine Ready \(lost.duration(to: .now)) after the leader stopped")
                        #expect(driverB.calls > 0)
                    }
                }
            }
        }
    }

    @Test("a controller stopped abruptly mid-convergence leaves no duplicates or orphans once another converges")
    func crashMidConvergence() async throws {
        try await ControllerWorld.with { worlds in
            let w = worlds[0]
            let product = try await w.product()
            let engines = try await (0..<30).asyncMap { try await w.engine(product, "u\($0)") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await w.controller(holder: "doomed").run() }
                try await eventually(timeout: .seconds(30), "some containers exist") { try await w.driver.list().count >= 5 }
                group.cancelAll()
                try? await group.waitForAll()
            }
            try await w.running(w.controller(holder: "successor")) {
                for engine in engines { _ = try await w.waitReady(engine.id, timeout: .seconds(90)) }
                let observed = try await w.driver.list()
                #expect(observed.count == 30)
                #expect(Set(observed.map(\.engineID)) == Set(engines.map(\.id)))
            }
        }
    }
}
