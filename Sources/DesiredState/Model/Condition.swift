import Foundation

/// One observation about an engine, Kubernetes style. `lastTransitionTime` changes only when
/// `status` flips, so "Ready for 3 h" can be read off it.
public struct Condition: Sendable, Equatable, Codable {
    public var type: ConditionType
    public var status: ConditionStatus
    /// UpperCamelCase token: `EngineHealthy`, `ImageNotFound`, `CrashLoopBackOff`, `IdleTimeout`…
    public var reason: ConditionReason
    /// A sentence for people.
    public var message: String
    public var lastTransitionTime: Date

    public init(type: ConditionType, status: ConditionStatus, reason: ConditionReason, message: String, lastTransitionTime: Date) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
    }

    enum CodingKeys: String, CodingKey {
        case type, status, reason, message
        case lastTransitionTime = "last_transition_time"
    }
}

public enum ConditionType: String, Sendable, Codable, Hashable, CaseIterable {
    case ready = "Ready"
    case progressing = "Progressing"
    case degraded = "Degraded"
}

public enum ConditionStatus: String, Sendable, Codable, Hashable {
    case `true` = "True"
    case `false` = "False"
    case unknown = "Unknown"
}

extension Array where Element == Condition {
    /// Sets a condition, keeping its `lastTransitionTime` when the status did not change.
    public mutating func set(_ type: ConditionType, _ status: ConditionStatus, reason: ConditionReason, message: String, now: Date) {
        if let i = firstIndex(where: { $0.type == type }) {
            let since = self[i].status == status ? self[i].lastTransitionTime : now
            self[i] = Condition(type: type, status: status, reason: reason, message: message, lastTransitionTime: since)
        } else {
            append(Condition(type: type, status: status, reason: reason, message: message, lastTransitionTime: now))
            sort { $0.type.rawValue < $1.type.rawValue }
        }
    }
}
