import DesiredState
import Foundation
import WireModel

/// What the CLI reads off an engine resource for its tables and waits.
extension EngineResource {
    /// `product/user`, the name every verb prints.
    var name: String { "\(product)/\(userID)" }

    /// Converged: the controller has seen the latest spec and the engine is where the spec
    /// wants it (awake and Ready; asleep; stopped).
    var isConverged: Bool {
        guard status.observedGeneration >= generation, deletionRequestedAt == nil else { return false }
        switch spec.state {
        case .awake: return status.isReady && status.phase == .running
        case .asleep: return status.phase == .sleeping || status.phase == .stopped
        case .stopped: return status.phase == .stopped
        }
    }

    /// Failed for good (until the spec changes): the controller gave up or cannot pull the image.
    var isFailed: Bool {
        status.isFailedForGood(generation: generation)
    }

    /// Why it is not converged yet, in a few words.
    var pendingReason: String {
        if status.observedGeneration < generation { return "waiting for the controller" }
        for type in [ConditionType.degraded, .progressing, .ready] {
            if let c = status.condition(type), c.status == (type == .ready ? .false : .true) { return "\(c.reason): \(c.message)" }
        }
        return status.lastError ?? status.phase.rawValue
    }
}
