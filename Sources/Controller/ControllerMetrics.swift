import DesiredState
import Foundation
import Metrics

/// The controller's metrics through swift-metrics; the executable bootstraps the backend
/// (Prometheus). Names follow Prometheus conventions.
public struct ControllerMetrics: Sendable {
    public init() {}

    func reconciled(_ result: ReconcileResult, duration: Duration) {
        let outcome: String
        switch result {
        case .done: outcome = "done"
        case .requeueAfter: outcome = "requeue"
        case .retry: outcome = "retry"
        }
        Timer(label: "bap_reconcile_duration_seconds", dimensions: [("outcome", outcome)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(Int64(duration.seconds * 1e9))
    }

    func acted(_ action: EngineAction) {
        let kind: String
        switch action {
        case .create: kind = "create"
        case .start: kind = "start"
        case .stop: kind = "stop"
        case .pause: kind = "pause"
        case .unpause: kind = "unpause"
        case .remove: kind = "remove"
        }
        Counter(label: "bap_driver_actions_total", dimensions: [("action", kind)]).increment()
        if kind == "start" { Counter(label: "bap_engine_starts_total").increment() }
    }

    func becameReady(after seconds: TimeInterval) {
        Timer(label: "bap_wake_latency_seconds", preferredDisplayUnit: .seconds).recordNanoseconds(Int64(max(0, seconds) * 1e9))
    }

    /// One resync pass: its duration, the fleet size it read, and how many engines it queued.
    func resynced(engines: Int, queued: Int, duration: Duration) {
        Timer(label: "bap_resync_duration_seconds", preferredDisplayUnit: .seconds).recordNanoseconds(Int64(duration.seconds * 1e9))
        Gauge(label: "bap_resync_engines").record(engines)
        Counter(label: "bap_resync_queued_total").increment(by: queued)
    }

    func restarted() { Counter(label: "bap_engine_restarts_total").increment() }

    func queueDepth(_ depth: Int) { Gauge(label: "bap_workqueue_depth").record(depth) }

    func breaker(open: Bool) { Gauge(label: "bap_restart_breaker_open").record(open ? 1 : 0) }

    func leader(_ isLeader: Bool) { Gauge(label: "bap_controller_leader").record(isLeader ? 1 : 0) }

    /// Every phase is written, absent ones as 0: a phase that empties must not keep its last
    /// count (the "engines failed" alert would never resolve).
    func phases(_ counts: [String: Int]) {
        for phase in Set(EnginePhase.allCases.map(\.rawValue)).union(counts.keys) {
            Gauge(label: "bap_engines", dimensions: [("phase", phase)]).record(counts[phase] ?? 0)
        }
    }

    /// Registers every series the dashboard and alert rules read (`deploy/`), at zero, so a
    /// fresh server's `/metrics` has them before the first reconcile, restart or leadership.
    public func registerKnownSeries() {
        for outcome in ["done", "requeue", "retry"] {
            _ = Timer(label: "bap_reconcile_duration_seconds", dimensions: [("outcome", outcome)], preferredDisplayUnit: .seconds)
        }
        for action in ["create", "start", "stop", "pause", "unpause", "remove"] {
            _ = Counter(label: "bap_driver_actions_total", dimensions: [("action", action)])
        }
        _ = Counter(label: "bap_engine_starts_total")
        _ = Counter(label: "bap_engine_restarts_total")
        _ = Counter(label: "bap_resync_queued_total")
        _ = Timer(label: "bap_wake_latency_seconds", preferredDisplayUnit: .seconds)
        _ = Timer(label: "bap_resync_duration_seconds", preferredDisplayUnit: .seconds)
        Gauge(label: "bap_resync_engines").record(0)
        queueDepth(0)
        breaker(open: false)
        leader(false)
        phases([:])
    }
}
