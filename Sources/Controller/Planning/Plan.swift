import DesiredState
import Drivers
import Foundation

/// One idempotent step against the runtime.
public enum EngineAction: Sendable, Equatable {
    case create
    case start
    case stop(grace: Duration)
    case pause
    case unpause
    /// Remove the runtime; `keepBrain: false` also removes the brain.
    case remove(keepBrain: Bool)
}

/// Everything the planner looks at. Built by the reconciler from fresh reads; no I/O after.
public struct PlanInput: Sendable {
    public var engine: EngineRecord
    public var sleepMode: SleepMode
    /// What the engine should run now; nil when it cannot be built (`runtimeError` says why).
    public var runtime: RuntimeSpec?
    /// The runtime spec builder's message when it failed: a sentence safe to show (no key).
    /// It becomes the `InvalidSpec` condition's message.
    public var runtimeError: String?
    public var observed: ObservedEngine?
    public var health: HealthObservation
    /// The fleet circuit breaker is open: hold automatic restarts.
    public var restartsHeld: Bool
    public var now: Date

    public init(engine: EngineRecord, sleepMode: SleepMode, runtime: RuntimeSpec?, runtimeError: String? = nil, observed: ObservedEngine?, health: HealthObservation = .unknown, restartsHeld: Bool = false, now: Date) {
        self.engine = engine
        self.sleepMode = sleepMode
        self.runtime = runtime
        self.runtimeError = runtimeError
        self.observed = observed
        self.health = health
        self.restartsHeld = restartsHeld
        self.now = now
    }
}

/// The planner's answer: steps to take, what to record, when to look again.
public struct Plan: Sendable, Equatable {
    public var actions: [EngineAction]
    /// Lifecycle audit actions the steps amount to (`provision`, `wake`, `auto_restart_start`…).
    public var audit: [AuditAction]
    /// The restart bookkeeping after this plan (written into status).
    public var restartCount: Int
    public var lastRestartAt: Date?
    public var nextRetryAt: Date?
    /// A terminal reason (`RestartsExhausted`, `InvalidSpec`) when the planner gave up.
    public var givenUp: ConditionReason?
    /// Why, in a sentence safe to show, when the planner knows more than the reason (the
    /// runtime spec builder's message for `InvalidSpec`).
    public var givenUpDetail: String?
    /// Delete the desired row: the runtime is gone and deletion was asked.
    public var finalize: Bool
    /// Look again after this long even without an event (booting, backoff).
    public var requeueAfter: Duration?

    public init(actions: [EngineAction] = [], audit: [AuditAction] = [], restartCount: Int = 0, lastRestartAt: Date? = nil, nextRetryAt: Date? = nil, givenUp: ConditionReason? = nil, givenUpDetail: String? = nil, finalize: Bool = false, requeueAfter: Duration? = nil) {
        self.actions = actions
        self.audit = audit
        self.restartCount = restartCount
        self.lastRestartAt = lastRestartAt
        self.nextRetryAt = nextRetryAt
        self.givenUp = givenUp
        self.givenUpDetail = givenUpDetail
        self.finalize = finalize
        self.requeueAfter = requeueAfter
    }

    /// Nothing to do.
    public var isEmpty: Bool { actions.isEmpty && !finalize }
}

/// Knobs of the planner, from configuration.
public struct PlannerSettings: Sendable, Equatable {
    public var restart: RestartPolicy
    /// SIGTERM → this → SIGKILL (the original: 30 s).
    public var stopGrace: Duration
    /// A started engine that is not Ready after this counts as dead (`ORCH_BOOT_TIMEOUT_S`).
    public var bootTimeout: Duration
    /// Consecutive unreachable probes before an engine is restarted (`ORCH_HEALTH_MAX_FAILURES`).
    public var maxLivenessFailures: Int

    public init(restart: RestartPolicy = RestartPolicy(), stopGrace: Duration = .seconds(30), bootTimeout: Duration = .seconds(60), maxLivenessFailures: Int = 3) {
        self.restart = restart
        self.stopGrace = stopGrace
        self.bootTimeout = bootTimeout
        self.maxLivenessFailures = maxLivenessFailures
    }
}
