import DesiredState
import Drivers
import Foundation

extension Reconciler {
    /// Runs the steps in order, stopping at the first failure, which it classifies:
    /// `ImageNotFound` and `RuntimeRejected` are terminal (retrying cannot help until the spec
    /// changes); everything else is retried with backoff.
    func perform(_ actions: [EngineAction], id: UUID, runtime: RuntimeSpec?) async -> StatusRules.Failure? {
        for action in actions {
            do {
                switch action {
                case .create:
                    // The planner plans `create` only with a runtime spec.
                    guard let runtime else { return StatusRules.Failure(reason: .invalidSpec, message: "No runtime spec.", terminal: true) }
                    _ = try await driver.create(runtime)
                case .start: try await start(id, runtime: runtime)
                case .stop(let grace): try await driver.stop(id, grace: grace)
                case .pause: try await driver.pause(id)
                case .unpause: try await driver.unpause(id)
                case .remove(let keepBrain): try await driver.remove(id, keepBrain: keepBrain)
                }
            } catch {
                return Self.classify(error)
            }
        }
        return nil
    }

    /// A container that cannot start in place (a task left by a dockerd restart, its port
    /// taken) is recreated at once, brain kept: it is the same start, not a crash, so it costs
    /// no restart attempt and no backoff.
    private func start(_ id: UUID, runtime: RuntimeSpec?) async throws(DriverError) {
        do {
            try await driver.start(id)
        } catch where error.code == .stale {
            guard let runtime else { throw error }
            logger.notice("engine cannot start in place; recreating it (brain kept)", metadata: ["engine": "\(id)", "detail": "\(error.detail.prefix(200))"])
            try await driver.remove(id, keepBrain: true)
            _ = try await driver.create(runtime)
            try await driver.start(id)
        }
    }

    static func classify(_ error: DriverError) -> StatusRules.Failure {
        switch error.code {
        case .imageNotFound, .rejected:
            StatusRules.Failure(reason: error.code.conditionReason, message: error.message, terminal: true)
        case .portExhausted, .unavailable, .notFound, .conflict, .stale:
            StatusRules.Failure(reason: error.code.conditionReason, message: error.message, terminal: false)
        }
    }

    /// Logs, once, why an engine's runtime spec cannot be built: when its `Degraded`
    /// condition first carries it (a reconcile that finds the same failure again writes the
    /// same condition and logs nothing). The message is the builder's and carries no key.
    func reportBuildFailure(_ failure: RuntimeSpecBuilder.Failure?, id: UUID, plan: Plan, before: EngineStatus, after: EngineStatus) {
        guard let failure, plan.givenUp == .invalidSpec, after.condition(.degraded) != before.condition(.degraded) else { return }
        logger.warning("engine runtime spec cannot be built", metadata: [
            "engine": "\(id)", "reason": "\(failure.reason)", "error": "\(failure.message)",
        ])
    }

    /// A managed runtime without a desired row (its row was deleted while we were down, or it
    /// was started by hand with our labels): remove it with its brain.
    func collectOrphan(_ id: UUID) async throws {
        await prober.untrack(id)
        guard let observed = try await driver.observe(id) else { return }
        try await driver.remove(id, keepBrain: false)
        metrics.acted(.remove(keepBrain: false))
        logger.info("removed orphan engine", metadata: ["engine": "\(id)"])
        try await store.appendAudit([AuditEntry(
            timestamp: now(), productID: observed.productID, engineID: id, action: .garbageCollect,
            metadata: ["reason": "no desired state"]
        )])
    }

    /// A deleted product's row goes once its last engine row is gone (the store keeps it
    /// until then, like a finalizer). Audited as `product_delete` at stage `finalized`.
    func finalizeProducts() async throws {
        let removed = try await store.finalizeProductDeletions()
        guard !removed.isEmpty else { return }
        let at = now()
        try await store.appendAudit(removed.map {
            AuditEntry(timestamp: at, productID: $0, action: .productDelete, metadata: ["stage": "finalized"])
        })
    }

    func audit(_ actions: [AuditAction], engine: EngineRecord, durationMs: Int, failure: StatusRules.Failure?) async throws {
        guard !actions.isEmpty else { return }
        let at = now()
        var metadata = ["generation": String(engine.generation)]
        if let failure { metadata["error"] = failure.reason.rawValue }
        let entries = actions.map {
            AuditEntry(timestamp: at, productID: engine.productID, userID: engine.userID, engineID: engine.id, action: $0, metadata: metadata, durationMs: durationMs)
        }
        try await store.appendAudit(entries)
    }

    /// Metrics for phase changes: wake latency is desired-awake → Ready.
    func recordTransitions(engine: EngineRecord, status: EngineStatus) {
        guard status.phase != engine.status.phase else { return }
        if status.phase == .running, engine.spec.state == .awake {
            metrics.becameReady(after: now().timeIntervalSince(engine.specChangedAt))
        }
    }
}
