import Controller
import DesiredState
import Drivers
import Foundation
import TestSupport
import Testing

/// The stored status always catches up with the runtime that actually runs (issue #11 §3): on
/// the embedded SQLite store and the in-memory hollow driver, in seconds.
///
/// The Docker test `a template change made while no controller ran …` once timed out waiting
/// for Ready "on the rebuilt runtime": it took the first observation whose spec hash differed
/// from the old one as the rebuilt runtime, and an observation taken between the recreate's
/// remove and create is `nil`, whose hash (`nil`) differs too. It then waited for a status
/// naming runtime `nil`, which no status Ready ever does. These tests pin both sides: what the
/// controller must do, and how to wait for it.
@Suite("Status catches up with the runtime (SQLite store, hollow driver)", .serialized)
struct StatusCatchUpTests {
    struct World {
        let store: any Store
        let driver: HollowDriver
        let keys: EngineKeyDeriver
        let product: Product
        let engine: EngineRecord

        func controller(resync: Duration = .seconds(30), bootTimeout: Duration = .seconds(20)) -> Controller {
            var settings = ControllerWorld.settings()
            settings.resyncInterval = resync
            settings.planner.bootTimeout = bootTimeout
            return Controller(
                store: store, driver: driver, builder: RuntimeSpecBuilder(defaultImage: "hollow:1", keys: keys),
                configuration: settings, probe: { _ in .ready }, logger: ControllerWorld.logger
            )
        }

        func running(_ controller: Controller, _ body: () async throws -> Void) async throws {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await controller.run() }
                defer { group.cancelAll() }
                try await body()
            }
        }

        /// Ready in the store for the runtime that exists now (re-observed on every poll), and
        /// that runtime satisfies `runtime`. Never "Ready for a runtime seen once".
        func waitReadyForCurrentRuntime(_ what: String, where runtime: @escaping (ObservedEngine) -> Bool = { _ in true }) async throws -> ObservedEngine {
            var current: ObservedEngine?
            try await eventually(timeout: .seconds(30), what) {
                guard let observed = try await driver.observe(engine.id), observed.state == .running, runtime(observed),
                      let stored = try await store.engine(id: engine.id) else { return false }
                current = observed
                return stored.status.isReady && stored.status.phase == .running && stored.status.runtimeID == observed.runtimeID
            }
            return try #require(current)
        }
    }

    static func with(_ body: (World) async throws -> Void) async throws {
        try await StoreFactory.withStore(.sqlite) { store in
            let keys = EngineKeyDeriver(keyring: try MasterKeyring(parsing: MasterKeyring.generateKeyText()))
            var policy = Policy()
            policy.template = EngineTemplate(image: "hollow:1")
            let product = try await store.createProduct(Product(id: UUID(), slug: "catch-up", displayName: "catch-up", apiKeyHash: SecretHash.sha256Hex("catch-up"), policy: policy, createdAt: Date()))
            let engine = try await store.createEngine(NewEngine(productID: product.id, userID: "u1", spec: EngineSpec(state: .awake), keyVersion: keys.currentVersion), maxEngines: nil, now: Date())
            try await body(World(store: store, driver: HollowDriver(configuration: .dockerLike), keys: keys, product: product, engine: engine))
        }
    }

    @Test("a template change made while no controller ran: the next term recreates the runtime and the status turns Ready for the new one")
    func templateChangeNextTerm() async throws {
        try await Self.with { w in
            var first: ObservedEngine?
            try await w.running(w.controller()) { first = try await w.waitReadyForCurrentRuntime("Ready on the first runtime") }
            let old = try #require(first)
            var policy = w.product.policy
            policy.template.env = ["BAP_TEMPLATE_REVISION": "2"]
            _ = try await w.store.updatePolicy(productID: w.product.id, policy: policy)
            try await w.running(w.controller()) {
                // Watch the runtime while the recreate happens: the window in which it does not
                // exist at all is what fooled the Docker test.
                let rebuilt = try await w.waitReadyForCurrentRuntime("Ready on the rebuilt runtime") { $0.specHash != old.specHash }
                #expect(rebuilt.runtimeID != old.runtimeID, "a new runtime, not the old one relabelled")
                #expect(try await w.store.audit(AuditQuery(engineID: w.engine.id, action: "recreate")).count == 1)
            }
        }
    }

    @Test("a status naming another runtime (a late write from an earlier term) is rewritten by the next resync of the same term")
    func staleStatusRepairedByResync() async throws {
        try await Self.with { w in
            try await w.running(w.controller(resync: .seconds(1), bootTimeout: .seconds(1))) {
                let runtime = try await w.waitReadyForCurrentRuntime("Ready")
                // A reconcile that saw the engine booting requeues it at the boot deadline, and
                // that reconcile would rewrite the status anyway: let it pass first, so only the
                // resync can repair what follows (without it this waits out its 30 s bound).
                let deadline = try #require(runtime.startedAt).addingTimeInterval(2)
                try await Task.sleep(for: .seconds(max(0, deadline.timeIntervalSinceNow)))
                // Ready, running, current generation — but for a runtime that no longer exists,
                // as an old leader's batched status write committing after this term began leaves it.
                var stale = try #require(try await w.store.engine(id: w.engine.id)).status
                stale.runtimeID = "gone-runtime"
                try await w.store.writeStatuses([StatusWrite(engineID: w.engine.id, status: stale)])
                try await eventually(timeout: .seconds(30), "status names the running runtime again") {
                    try await w.store.engine(id: w.engine.id)?.status.runtimeID == runtime.runtimeID
                }
                let repaired = try #require(try await w.store.engine(id: w.engine.id))
                #expect(repaired.status.isReady && repaired.status.phase == .running)
            }
        }
    }
}
