import DesiredState
import Drivers
import Foundation

/// Decides what to do about one engine: `(desired, observed, health, restart history, now) →
/// Plan`. Pure: no I/O, no clock reads, no actor. Every state pair is a row in
/// `PlannerTests`; the properties (converged → empty plan; deleted → removal) are tested too.
public enum Planner {
    public static func plan(_ input: PlanInput, settings: PlannerSettings) -> Plan {
        let status = input.engine.status
        var plan = Plan(restartCount: status.restartCount, lastRestartAt: status.lastRestartAt)
        // A new spec (start after failure, image change…) is a fresh chance: forget restarts.
        if input.engine.generation > status.observedGeneration, status.phase == .failed {
            plan.restartCount = 0
            plan.lastRestartAt = nil
        }
        if input.engine.isMarkedForDeletion {
            // Idempotent: removing an absent engine succeeds, and also removes a lone brain.
            plan.actions = [.remove(keepBrain: false)]
            plan.audit = [.destroy]
            plan.finalize = true
            return plan
        }
        switch input.engine.spec.state {
        case .awake: planAwake(input, settings, &plan)
        case .asleep: planAsleep(input, settings, &plan)
        case .stopped: planStopped(input, settings, &plan)
        }
        return plan
    }

    static func planAwake(_ input: PlanInput, _ settings: PlannerSettings, _ plan: inout Plan) {
        guard let runtime = input.runtime else {
            plan.givenUp = .invalidSpec
            plan.givenUpDetail = input.runtimeError
            return
        }
        let status = input.engine.status
        guard let observed = input.observed else {
            plan.actions = [.create, .start]
            plan.audit = [status.observedGeneration == 0 ? .provision : startVerb(status)]
            return
        }
        if observed.specHash != runtime.specHash {
            // Key rotation or template change: the runtime must be recreated; the brain stays.
            plan.actions = [.remove(keepBrain: true), .create, .start]
            plan.audit = [observed.keyGeneration != runtime.keyGeneration ? .rotateKey : .recreate]
            return
        }
        switch observed.state {
        case .removing:
            plan.requeueAfter = .seconds(1)
        case .created:
            plan.actions = [.start]
            plan.audit = [status.observedGeneration == 0 ? .provision : startVerb(status)]
        case .paused:
            plan.actions = [.unpause]
            plan.audit = [.wake]
        case .exited:
            if isCrash(input) {
                restartOrWait(input, settings, &plan, actions: [.start], audit: [])
            } else {
                plan.actions = [.start]
                plan.audit = [startVerb(status)]
            }
        case .running:
            planRunning(input, observed, settings, &plan)
        }
    }

    static func planRunning(_ input: PlanInput, _ observed: ObservedEngine, _ settings: PlannerSettings, _ plan: inout Plan) {
        let health = input.health
        let restart: [EngineAction] = [.stop(grace: .seconds(2)), .start]
        if health.livenessFailures >= settings.maxLivenessFailures {
            restartOrWait(input, settings, &plan, actions: restart, audit: [.healthFailed])
            return
        }
        if health.ready != true {
            let started = observed.startedAt ?? input.engine.specChangedAt
            let deadline = started.addingTimeInterval(settings.bootTimeout.seconds)
            // Past the boot deadline without ever answering: dead. An engine that answers
            // "not ready" is alive (its provider may be down); restarting would not help.
            if deadline <= input.now, input.engine.status.readySince == nil, health.ready == nil {
                restartOrWait(input, settings, &plan, actions: restart, audit: [.healthFailed])
            } else if deadline > input.now {
                plan.requeueAfter = .seconds(deadline.timeIntervalSince(input.now))
            }
            return
        }
        // Healthy long enough after a restart: the crash history is forgiven (kubelet).
        if plan.restartCount > 0, let last = plan.lastRestartAt,
           last.addingTimeInterval(settings.restart.resetAfter.seconds) <= input.now {
            plan.restartCount = 0
        }
    }

    /// Restart now, later (backoff), or never (gave up / breaker open).
    static func restartOrWait(_ input: PlanInput, _ settings: PlannerSettings, _ plan: inout Plan, actions: [EngineAction], audit: [AuditAction]) {
        let attempt = plan.restartCount + 1
        if plan.restartCount >= settings.restart.maxAttempts {
            plan.givenUp = .restartsExhausted
            let alreadyGaveUp = input.engine.status.condition(.degraded)?.reason == .restartsExhausted
            plan.audit = alreadyGaveUp ? [] : audit + [.autoRestartGaveUp]
            return
        }
        if input.restartsHeld {
            plan.nextRetryAt = input.now.addingTimeInterval(5)
            plan.requeueAfter = .seconds(5)
            return
        }
        let due = (plan.lastRestartAt ?? .distantPast).addingTimeInterval(settings.restart.delay(beforeAttempt: attempt).seconds)
        if due > input.now {
            plan.nextRetryAt = due
            plan.requeueAfter = .seconds(due.timeIntervalSince(input.now))
            return
        }
        plan.actions = actions
        plan.audit = audit + [.autoRestartStart]
        plan.restartCount = attempt
        plan.lastRestartAt = input.now
    }

    static func planAsleep(_ input: PlanInput, _ settings: PlannerSettings, _ plan: inout Plan) {
        guard let observed = input.observed else { return }
        switch (input.sleepMode, observed.state) {
        case (.stop, .running):
            plan.actions = [.stop(grace: settings.stopGrace)]
        case (.stop, .paused):
            plan.actions = [.unpause, .stop(grace: settings.stopGrace)]
        case (.pause, .running):
            plan.actions = [.pause]
        case (_, .removing):
            plan.requeueAfter = .seconds(1)
        default:
            return
        }
        plan.audit = [.sleep]
    }

    static func planStopped(_ input: PlanInput, _ settings: PlannerSettings, _ plan: inout Plan) {
        switch input.observed?.state {
        case .running?: plan.actions = [.stop(grace: settings.stopGrace)]
        case .paused?: plan.actions = [.unpause, .stop(grace: settings.stopGrace)]
        default: return
        }
        plan.audit = [.stop]
    }

    /// An exit is a crash when nothing asked for it: the spec did not change since the engine
    /// was last seen awake.
    static func isCrash(_ input: PlanInput) -> Bool {
        let status = input.engine.status
        guard input.engine.generation == status.observedGeneration else { return false }
        return [.running, .provisioning, .failed].contains(status.phase)
    }

    /// `wake` when coming back from sleep, `start` otherwise.
    static func startVerb(_ status: EngineStatus) -> AuditAction {
        status.phase == .sleeping ? .wake : .start
    }
}
