import DesiredState
import Foundation
import Logging

/// Puts idle engines to sleep (and, if the policy asks, destroys long-asleep ones) by writing
/// desired state — the reconciler does the stopping. One sweep covers the whole fleet in
/// pages, so ten thousand idle users fall asleep in one sweep, not one every few minutes;
/// writes are capped at `writesPerSecond` so a sweep cannot starve the API of the store.
public struct IdleSleeper: Sendable {
    let store: any DesiredStateReader & DesiredStateWriter & AuditLog
    let interval: Duration
    let writesPerSecond: Int
    let now: @Sendable () -> Date
    let logger: Logger

    public init(store: any DesiredStateReader & DesiredStateWriter & AuditLog, interval: Duration, writesPerSecond: Int = 2000, now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "bap.idle")) {
        self.store = store
        self.interval = interval
        self.writesPerSecond = writesPerSecond
        self.now = now
        self.logger = logger
    }

    public func run() async {
        while !Task.isCancelled {
            do {
                let (slept, destroyed) = try await sweep()
                if slept + destroyed > 0 { logger.info("idle sweep", metadata: ["slept": "\(slept)", "destroyed": "\(destroyed)"]) }
            } catch {
                logger.warning("idle sweep failed", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// One pass over every product with an idle policy. Returns how many engines were put to
    /// sleep and marked for destruction.
    public func sweep() async throws -> (slept: Int, destroyed: Int) {
        var slept = 0, destroyed = 0, writes = 0
        let batchStart = ContinuousClock.now
        for product in try await store.listProducts() where product.policy.idleSleepAfter != nil || product.policy.destroyAfterAsleep != nil {
            var offset = 0
            while true {
                let page = try await store.listEngines(EngineQuery(productID: product.id, limit: 1000, offset: offset))
                for engine in page.engines {
                    guard let decision = IdlePolicy.decide(engine, policy: product.policy, now: now()) else { continue }
                    if try await apply(decision, to: engine) { decision == .sleep ? (slept += 1) : (destroyed += 1) }
                    writes += 1
                    if writes % writesPerSecond == 0 {
                        let due = batchStart.advanced(by: .seconds(writes / writesPerSecond))
                        try await Task.sleep(until: due, clock: .continuous)
                    }
                }
                offset += page.engines.count
                if page.engines.isEmpty || offset >= page.total { break }
            }
        }
        return (slept, destroyed)
    }

    /// Writes the decision if the engine did not change since it was read (optimistic
    /// concurrency: an admit that just woke it wins).
    func apply(_ decision: IdlePolicy.Decision, to engine: EngineRecord) async throws -> Bool {
        let at = now()
        do {
            switch decision {
            case .sleep:
                var spec = engine.spec
                spec.state = .asleep
                _ = try await store.updateSpec(engineID: engine.id, spec: spec, expectedGeneration: engine.generation, now: at)
            case .destroy:
                _ = try await store.markForDeletion(engineID: engine.id, now: at)
            }
        } catch let error as StoreError {
            if case .generationConflict = error.code { return false }
            if case .engineNotFound = error.code { return false }
            throw error
        }
        let action: AuditAction = decision == .sleep ? .sleep : .destroy
        let reason: ConditionReason = decision == .sleep ? .idleTimeout : .asleepTooLong
        try await store.appendAudit([AuditEntry(
            timestamp: at, productID: engine.productID, userID: engine.userID, engineID: engine.id,
            action: action, metadata: ["reason": reason.rawValue, "stage": "desired"]
        )])
        return true
    }
}
