import DesiredState
import Foundation

/// Which engines the idle sleeper acts on. Pure.
public enum IdlePolicy {
    public enum Decision: Sendable, Equatable {
        /// Awake and idle past `idle_sleep_after`: set desired state `asleep`.
        case sleep
        /// Asleep past `destroy_after_asleep`: delete (brain included).
        case destroy
    }

    /// Activity is the later of the last admit and the last spec change (a wake counts).
    public static func decide(_ engine: EngineRecord, policy: Policy, now: Date) -> Decision? {
        guard !engine.isMarkedForDeletion else { return nil }
        switch engine.spec.state {
        case .awake:
            guard let after = policy.idleSleepAfter else { return nil }
            let active = max(engine.lastActivityAt ?? .distantPast, engine.specChangedAt)
            return active.addingTimeInterval(TimeInterval(after)) <= now ? .sleep : nil
        case .asleep:
            guard let after = policy.destroyAfterAsleep else { return nil }
            return engine.specChangedAt.addingTimeInterval(TimeInterval(after)) <= now ? .destroy : nil
        case .stopped:
            return nil
        }
    }
}
