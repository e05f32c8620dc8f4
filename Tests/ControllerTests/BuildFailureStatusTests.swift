@testable import Controller
import DesiredState
import Drivers
import Foundation
import TestSupport
import Testing

/// The runtime spec builder's failure (a master key version that is not configured) reaches
/// the `Degraded` condition's message and the status' `lastError`, and is logged once at
/// warning level; the condition reason stays `InvalidSpec`, and no key appears anywhere.
@Suite("A runtime spec that cannot be built is reported in the status")
struct BuildFailureStatusTests {
    typealias F = Fixture
    static let keyText = MasterKeyring.generateKeyText()

    static func builder() throws -> RuntimeSpecBuilder {
        RuntimeSpecBuilder(defaultImage: "engine:1", keys: EngineKeyDeriver(keyring: try MasterKeyring(parsing: keyText)))
    }

    static func unbuildable() -> EngineRecord {
        var engine = F.engine(.awake, generation: 3, observedGeneration: 2, phase: .running)
        engine.keyVersion = 7
        return engine
    }

    @Test("the planner gives up with InvalidSpec and the builder's message becomes the condition message")
    func messageReachesCondition() throws {
        let engine = Self.unbuildable()
        let failure = try #require(throws: RuntimeSpecBuilder.Failure.self) { try Self.builder().build(engine, product: nil) }
        #expect(failure.reason == .masterKeyMissing)
        #expect(failure.message.contains("Master key version 7"))

        var input = F.input(engine, nil, runtime: nil)
        input.runtimeError = failure.message
        let plan = Planner.plan(input, settings: PlannerSettings())
        #expect(plan.givenUp == .invalidSpec)
        #expect(plan.actions.isEmpty)

        let status = StatusRules.status(engine: engine, observed: nil, health: .unknown, plan: plan, failure: nil, restartsHeld: false, now: F.t0)
        let degraded = try #require(status.condition(.degraded))
        #expect(degraded.status == .true)
        #expect(degraded.reason == .invalidSpec)
        #expect(degraded.message == "The engine's runtime spec cannot be built: \(failure.message)")
        #expect(status.condition(.ready)?.message == degraded.message)
        #expect(status.lastError == degraded.message)
        #expect(status.phase == .failed)
        #expect(status.isFailedForGood(generation: engine.generation))
        #expect(!degraded.message.contains(Self.keyText))
        #expect(!degraded.message.contains("orchestrator log"), "the message says why itself")
    }

    @Test("reconciling it again and again logs the failure once, at warning, with the builder's message")
    func loggedOnce() async throws {
        try await StoreFactory.withStore(.sqlite) { store in
            let product = try await store.createProduct(Product(
                id: UUID(), slug: "no-key", displayName: "no-key", apiKeyHash: SecretHash.sha256Hex("no-key"), policy: Policy(), createdAt: Date()
            ))
            // Key version 7 is not in the keyring (it holds version 1 only).
            let engine = try await store.createEngine(
                NewEngine(productID: product.id, userID: "u1", spec: EngineSpec(state: .awake), keyVersion: 7), maxEngines: nil, now: Date()
            )
            let capture = LogCapture()
            let logger = capture.logger()
            let driver = HollowDriver()
            let reconciler = Reconciler(
                store: store, driver: driver, prober: HealthProber(probe: { _ in .ready }, interval: .seconds(60), logger: logger),
                products: ProductCache(store: store), builder: try Self.builder(), settings: PlannerSettings(), logger: logger
            )
            await withDiscardingTaskGroup { group in
                group.addTask { await reconciler.statuses.run() }  // as a leadership term does
                for _ in 0..<3 { #expect(await reconciler.reconcile(engine.id) == .done) }
                group.cancelAll()
            }

            let stored = try #require(try await store.engine(id: engine.id))
            let degraded = try #require(stored.status.condition(.degraded))
            #expect(degraded.reason == .invalidSpec)
            #expect(degraded.message.contains("Master key version 7 is not configured"))
            #expect(stored.isFailedForGood)
            #expect(try await driver.list().isEmpty, "nothing was created")

            let warnings = capture.all.filter { $0.level == .warning && $0.metadata["engine"] == "\(engine.id)" }
            #expect(warnings.count == 1, "\(warnings.map(\.message))")
            #expect(warnings.first?.metadata["reason"] == ConditionReason.masterKeyMissing.rawValue)
            #expect(warnings.first?.metadata["error"]?.contains("Master key version 7") == true)
            #expect(!capture.all.contains { "\($0.message) \($0.metadata)".contains(Self.keyText) })
        }
    }
}
