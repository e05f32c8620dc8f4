import DesiredState
import Drivers
import Foundation
import Logging
import ServiceLifecycle

/// The reconcile loop as a `Service`. While this replica holds the leader lease it runs one
/// leadership term: a WorkQueue fed by store changes, driver events, periodic resyncs, health
/// changes and its own timers, drained by `workers` reconcilers. Losing the lease cancels the
/// term at once; graceful shutdown releases the lease so another replica takes over.
public struct Controller: Service {
    let store: any ControllerStore
    let driver: any EngineDriver
    let builder: RuntimeSpecBuilder
    let configuration: ControllerConfiguration
    let probe: @Sendable (String) async -> ProbeOutcome
    let metrics: ControllerMetrics
    let now: @Sendable () -> Date
    let logger: Logger
    /// Change-log compaction and audit pruning, run by the leader (nil: none).
    let retention: RetentionSweeper?

    public init(
        store: any ControllerStore, driver: any EngineDriver, builder: RuntimeSpecBuilder, configuration: ControllerConfiguration,
        probe: @escaping @Sendable (String) async -> ProbeOutcome, metrics: ControllerMetrics = ControllerMetrics(),
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "bap.controller"),
        retention: RetentionSweeper? = nil
    ) {
        self.retention = retention
        self.store = store
        self.driver = driver
        self.builder = builder
        self.configuration = configuration
        self.probe = probe
        self.metrics = metrics
        self.now = now
        self.logger = logger
    }

    var elector: LeaderElector {
        LeaderElector(
            store: store, holder: configuration.holderID, ttl: configuration.leaseTTL,
            renewEvery: configuration.leaseRenew, retryEvery: configuration.leaseRetry, now: now, logger: logger
        )
    }

    public func run() async throws {
        let elector = self.elector
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await elector.waitForLeadership()
                logger.info("leader: reconciling", metadata: ["holder": "\(elector.holder)"])
                metrics.leader(true)
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.lead() }
                    group.addTask { await elector.holdUntilLost() }
                    await group.next()
                    group.cancelAll()
                }
                metrics.leader(false)
            }
        }
        await elector.release()
    }

    /// One leadership term. Returns when cancelled (lease lost or shutdown).
    func lead() async {
        let queue = WorkQueue<UUID, ContinuousClock>(clock: ContinuousClock())
        let prober = HealthProber(probe: probe, interval: configuration.healthInterval, now: now, logger: logger)
        let reconciler = Reconciler(
            store: store, driver: driver, prober: prober, products: ProductCache(store: store), builder: builder,
            settings: configuration.planner, metrics: metrics, now: now, logger: logger
        )
        let triggers = Triggers(
            store: store, driver: driver, queue: queue, prober: prober, specHashes: SpecHashMemo(builder: builder),
            interval: configuration.resyncInterval, metrics: metrics, logger: logger
        )
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await queue.runTimers() }
                // Status commits belong to this term: cancelled with it, so none lands after
                // the lease is lost.
                group.addTask { await reconciler.statuses.run() }
                for _ in 0..<max(1, configuration.workers) {
                    group.addTask { await Self.work(queue, reconciler) }
                }
                group.addTask { await triggers.watchStore() }
                group.addTask { await triggers.watchDriver() }
                group.addTask { await triggers.resyncPeriodically() }
                group.addTask { await prober.run { id in await queue.add(id) } }
                group.addTask { await IdleSleeper(store: store, interval: configuration.idleSweepInterval, now: now, logger: logger).run() }
                group.addTask { await self.report(queue, prober) }
                if let retention { group.addTask { await retention.run() } }
                await group.waitForAll()
            }
        } onCancel: {
            // Workers wait inside the queue actor, where cancellation does not reach; shutting
            // the queue down wakes them so they return. A task is the only way to call an
            // actor from this synchronous handler; it ends as soon as the call returns.
            Task { await queue.shutDown() }
        }
    }

    /// A worker: one key at a time, as the queue hands them out, until the queue drains.
    static func work(_ queue: WorkQueue<UUID, ContinuousClock>, _ reconciler: Reconciler) async {
        while let id = await queue.get() {
            switch await reconciler.reconcile(id) {
            case .done:
                await queue.forget(id)
            case .requeueAfter(let delay):
                await queue.forget(id)
                await queue.addAfter(id, delay)
            case .retry:
                await queue.addRateLimited(id)
            }
            await queue.done(id)
        }
    }

    /// Gauges every few seconds: queue depth, breaker, engines by phase. A breaker transition
    /// is also an audit row (`restart_breaker`), so `/status` on any replica shows it; a new
    /// leader starts from the last row and closes a breaker its predecessor left open.
    func report(_ queue: WorkQueue<UUID, ContinuousClock>, _ prober: HealthProber) async {
        var wasHeld = (try? await store.audit(AuditQuery(action: .restartBreaker, limit: 1)).first?.metadata["state"] == "open") ?? false
        while !Task.isCancelled {
            metrics.queueDepth(await queue.depth)
            let held = await prober.restartsHeld
            metrics.breaker(open: held)
            if held != wasHeld {
                let failing = await prober.failingCount, tracked = await prober.trackedCount
                logger.warning(held ? "restart circuit breaker open: holding restarts" : "restart circuit breaker closed", metadata: ["failing": "\(failing)", "tracked": "\(tracked)"])
                let row = AuditEntry(timestamp: now(), action: .restartBreaker, metadata: ["state": held ? "open" : "closed", "failing": String(failing), "tracked": String(tracked)])
                if (try? await store.appendAudit([row])) != nil { wasHeld = held }
            }
            if let counts = try? await store.phaseCounts(productID: nil) {
                metrics.phases(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }))
            }
            do { try await Task.sleep(for: .seconds(5)) } catch { return }
        }
    }
}
