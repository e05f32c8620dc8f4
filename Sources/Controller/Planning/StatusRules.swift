import DesiredState
import Drivers
import Foundation

/// Derives the status to write after a reconcile from what was seen and done. Pure.
/// Every status it returns has `observedGeneration` = the engine's generation.
public enum StatusRules {
    /// What went wrong while acting, if anything.
    public struct Failure: Sendable, Equatable {
        /// The condition reason (`ImageNotFound`, `RuntimeUnavailable`, …).
        public var reason: ConditionReason
        public var message: String
        /// Terminal: no retry until the spec changes.
        public var terminal: Bool

        public init(reason: ConditionReason, message: String, terminal: Bool) {
            self.reason = reason
            self.message = message
            self.terminal = terminal
        }
    }

    public static func status(
        engine: EngineRecord, observed: ObservedEngine?, health: HealthObservation,
        plan: Plan, failure: Failure?, restartsHeld: Bool, now: Date
    ) -> EngineStatus {
        let previous = engine.status
        var s = previous
        s.observedGeneration = engine.generation
        s.restartCount = plan.restartCount
        s.lastRestartAt = plan.lastRestartAt
        s.nextRetryAt = plan.nextRetryAt
        if plan.actions.contains(.start), plan.audit.contains(.autoRestartStart) { s.totalRestarts += 1 }
        s.url = observed?.url ?? (engine.spec.state == .awake ? nil : previous.url)
        s.runtimeID = observed?.runtimeID
        s.lastHealthAt = health.lastProbeAt ?? previous.lastHealthAt

        let running = observed?.state == .running
        let ready = running && health.ready == true && failure == nil && plan.actions.isEmpty
        s.phase = phase(engine: engine, running: running, ready: ready, plan: plan, failure: failure)
        if ready {
            if previous.readySince == nil || previous.phase != .running {
                s.readySince = now
                if let started = observed?.startedAt { s.bootDurationMs = max(0, Int(now.timeIntervalSince(started) * 1000)) }
            }
            s.lastError = nil
        } else {
            s.readySince = nil
        }
        if let failure { s.lastError = failure.message }
        if let givenUp = plan.givenUp, failure == nil { s.lastError = givenUpMessage(givenUp, detail: plan.givenUpDetail) }
        setConditions(&s, engine: engine, ready: ready, running: running, health: health, plan: plan, failure: failure, restartsHeld: restartsHeld, now: now)
        return s
    }

    static func phase(engine: EngineRecord, running: Bool, ready: Bool, plan: Plan, failure: Failure?) -> EnginePhase {
        if engine.isMarkedForDeletion { return .destroying }
        if plan.givenUp != nil || failure?.terminal == true { return .failed }
        switch engine.spec.state {
        case .asleep: return .sleeping
        case .stopped: return .stopped
        case .awake:
            if ready { return .running }
            if plan.nextRetryAt != nil { return .failed }
            // Ready before and merely unready now (say, its LLM provider is down): still running.
            if running, engine.status.phase == .running, plan.actions.isEmpty { return .running }
            return .provisioning
        }
    }

    static func setConditions(
        _ s: inout EngineStatus, engine: EngineRecord, ready: Bool, running: Bool, health: HealthObservation,
        plan: Plan, failure: Failure?, restartsHeld: Bool, now: Date
    ) {
        let (readyReason, readyMessage) = notReadyReason(s: s, engine: engine, running: running, health: health, plan: plan, failure: failure, restartsHeld: restartsHeld)
        if ready {
            s.conditions.set(.ready, .true, reason: .engineHealthy, message: "The engine answers /health with ok.", now: now)
        } else {
            s.conditions.set(.ready, .false, reason: readyReason, message: readyMessage, now: now)
        }
        if plan.isEmpty, plan.requeueAfter == nil || ready {
            s.conditions.set(.progressing, .false, reason: .converged, message: "The runtime matches the spec.", now: now)
        } else {
            s.conditions.set(.progressing, .true, reason: progressingReason(plan), message: "Converging towards the spec.", now: now)
        }
        let degraded = failure != nil || plan.givenUp != nil || plan.nextRetryAt != nil || (running && health.ready == false && s.phase == .running)
        if degraded {
            s.conditions.set(.degraded, .true, reason: readyReason, message: readyMessage, now: now)
        } else {
            s.conditions.set(.degraded, .false, reason: .asExpected, message: "No problem seen.", now: now)
        }
    }

    static func notReadyReason(
        s: EngineStatus, engine: EngineRecord, running: Bool, health: HealthObservation, plan: Plan,
        failure: Failure?, restartsHeld: Bool
    ) -> (ConditionReason, String) {
        if let failure { return (failure.reason, failure.message) }
        if let givenUp = plan.givenUp { return (givenUp, givenUpMessage(givenUp, detail: plan.givenUpDetail)) }
        if engine.isMarkedForDeletion { return (.destroying, "The engine is being removed.") }
        switch engine.spec.state {
        case .asleep: return (.asleep, "The engine sleeps; admit with auto_wake wakes it.")
        case .stopped: return (.stopped, "The engine was stopped on request.")
        case .awake: break
        }
        if plan.nextRetryAt != nil {
            return restartsHeld
                ? (.restartsHeld, "Restarts are held: too many engines failed at once.")
                : (.crashLoopBackOff, "The engine stopped unexpectedly; restart \(plan.restartCount + 1) is scheduled.")
        }
        if running, health.ready == false, s.phase == .running {
            return (.engineUnready, health.message ?? "The engine's /health is not ok.")
        }
        return (.booting, "The engine is starting.")
    }

    static func progressingReason(_ plan: Plan) -> ConditionReason {
        switch plan.actions.last {
        case .create?: .creating
        case .start?: .starting
        case .stop?: .stopping
        case .pause?: .pausing
        case .unpause?: .waking
        case .remove?: .removing
        case nil: plan.nextRetryAt != nil ? .backOff : .waitingForReady
        }
    }

    /// The sentence for a plan that gave up; `detail` is the planner's own why (the runtime
    /// spec builder's message, which never carries a key).
    static func givenUpMessage(_ reason: ConditionReason, detail: String?) -> String {
        switch reason {
        case .restartsExhausted: "The engine kept failing; automatic restarts gave up. Start it again to retry."
        case .invalidSpec:
            if let detail { "The engine's runtime spec cannot be built: \(detail)" } else { "The engine's runtime spec cannot be built." }
        default: "The engine cannot be run: \(reason)."
        }
    }
}
