import Foundation

/// What the prober knows about one engine since it last started. Liveness (reachable at all)
/// is kept apart from readiness (`/health` says ok): an Engine whose LLM provider is down is
/// alive but not ready, and restarting it would not help.
public struct HealthObservation: Sendable, Equatable {
    /// nil until the first probe answered or failed since the current start.
    public var ready: Bool?
    /// Consecutive probes that could not reach the engine at all (refused, timed out).
    public var livenessFailures: Int
    public var lastProbeAt: Date?
    /// Why the last probe was not ok, as a sentence.
    public var message: String?

    public init(ready: Bool? = nil, livenessFailures: Int = 0, lastProbeAt: Date? = nil, message: String? = nil) {
        self.ready = ready
        self.livenessFailures = livenessFailures
        self.lastProbeAt = lastProbeAt
        self.message = message
    }

    public static let unknown = HealthObservation()
}
