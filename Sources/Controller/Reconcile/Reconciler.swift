import DesiredState
import Drivers
import Foundation
import Logging

/// Makes one engine's runtime match its desired state. `reconcile(id)` is the whole contract:
///
/// 1. read the desired row (none: the runtime is an orphan → remove it);
/// 2. observe the runtime and the last health answers;
/// 3. plan (pure: `Planner`);
/// 4. act: each step idempotent, stop at the first error;
/// 5. finalize a deletion (the row goes only after the runtime is gone);
/// 6. write status (skipped when nothing changed; group-committed with other workers' writes,
///    see `StatusBatcher`) and audit what was done.
///
/// It decides nothing itself and keeps no state between calls: a crash at any point is
/// repaired by the next reconcile of the same key.
public struct Reconciler: Sendable {
    let store: any DesiredStateReader & StatusWriter & DeletionFinalizer & AuditLog
    let driver: any EngineDriver
    let prober: HealthProber
    let products: ProductCache
    let builder: RuntimeSpecBuilder
    let settings: PlannerSettings
    let metrics: ControllerMetrics
    let now: @Sendable () -> Date
    let logger: Logger
    /// Runs only while its owner runs `statuses.run()` (the controller: in the leadership term).
    let statuses: StatusBatcher

    public init(
        store: any DesiredStateReader & StatusWriter & DeletionFinalizer & AuditLog, driver: any EngineDriver, prober: HealthProber, products: ProductCache,
        builder: RuntimeSpecBuilder, settings: PlannerSettings, metrics: ControllerMetrics = ControllerMetrics(),
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "bap.reconciler")
    ) {
        self.store = store
        self.driver = driver
        self.prober = prober
        self.products = products
        self.builder = builder
        self.settings = settings
        self.metrics = metrics
        self.now = now
        self.logger = logger
        self.statuses = StatusBatcher(store: store)
    }

    public func reconcile(_ id: UUID) async -> ReconcileResult {
        let started = ContinuousClock.now
        let result: ReconcileResult
        do {
            result = try await reconcileOnce(id)
        } catch where Task.isCancelled {
            // Leadership ended mid-reconcile: the next leader reconciles this key again.
            return .retry("cancelled")
        } catch let error as DriverError {
            logger.warning("reconcile failed", metadata: ["engine": "\(id)", "error": "\(error.code.rawValue): \(error.detail.isEmpty ? error.message : error.detail)"])
            result = .retry(error.message)
        } catch {
            logger.warning("reconcile failed", metadata: ["engine": "\(id)", "error": "\(String(describing: error))"])
            result = .retry(String(describing: error))
        }
        metrics.reconciled(result, duration: started.duration(to: .now))
        return result
    }

    func reconcileOnce(_ id: UUID) async throws -> ReconcileResult {
        // 1. Desired.
        guard let engine = try await store.engine(id: id) else {
            try await collectOrphan(id)
            return .done
        }
        let product = try await products.product(engine.productID)
        var runtime: RuntimeSpec?
        var buildFailure: RuntimeSpecBuilder.Failure?
        do { runtime = try builder.build(engine, product: product) } catch { buildFailure = error }

        // 2. Observe.
        let observed = try await driver.observe(id)
        let health = await prober.observation(id, startedAt: observed?.startedAt)
        let held = await prober.restartsHeld
        let input = PlanInput(
            engine: engine, sleepMode: product?.policy.sleepMode ?? .stop, runtime: runtime, runtimeError: buildFailure?.message,
            observed: observed, health: health, restartsHeld: held, now: now()
        )

        // 3. Plan.
        let plan = Planner.plan(input, settings: settings)

        // 4. Act.
        let actStarted = ContinuousClock.now
        let failure = await perform(plan.actions, id: id, runtime: runtime)
        let actMs = Int(actStarted.duration(to: .now).seconds * 1000)
        for action in plan.actions { metrics.acted(action) }

        // 5. Finalize deletion.
        if plan.finalize, failure == nil {
            await prober.untrack(id)
            try await store.deleteEngine(engineID: id)
            try await audit(plan.audit, engine: engine, durationMs: actMs, failure: nil)
            try await finalizeProducts()
            return .done
        }

        // 6. Status and audit.
        let after = plan.actions.isEmpty ? observed : try await driver.observe(id)
        if let after, after.state == .running, engine.spec.state == .awake, let url = after.url {
            // Ready in the stored status for this very start and nothing done now: seed the
            // prober with it (a new leadership term must not rewrite a converged fleet).
            let knownReady = engine.status.isReady && engine.status.phase == .running && plan.actions.isEmpty
                && engine.status.runtimeID == after.runtimeID && engine.status.observedGeneration == engine.generation
            await prober.track(id, url: url, startedAt: after.startedAt, knownReady: knownReady)
        } else {
            await prober.untrack(id)
        }
        let healthAfter = await prober.observation(id, startedAt: after?.startedAt)
        let status = StatusRules.status(
            engine: engine, observed: after, health: healthAfter, plan: plan, failure: failure, restartsHeld: held, now: now()
        )
        if status != engine.status {
            reportBuildFailure(buildFailure, id: id, plan: plan, before: engine.status, after: status)
            try await statuses.write(id, status)
            recordTransitions(engine: engine, status: status)
        }
        if failure == nil, plan.audit.contains(.autoRestartStart) { metrics.restarted() }
        var actions = plan.audit
        if engine.status.restartCount > 0, engine.status.phase != .running, status.phase == .running { actions.append(.autoRestartSuccess) }
        if failure != nil, plan.audit.contains(.autoRestartStart) { actions.append(.autoRestartFailed) }
        try await audit(actions, engine: engine, durationMs: actMs, failure: failure)
        return result(plan: plan, failure: failure)
    }

    func result(plan: Plan, failure: StatusRules.Failure?) -> ReconcileResult {
        if let failure { return failure.terminal ? .done : .retry(failure.message) }
        if let after = plan.requeueAfter { return .requeueAfter(after) }
        return .done
    }
}
