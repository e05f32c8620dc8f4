import DesiredState
import Drivers
import Foundation

/// A resync without reconciling every engine: from one `list()` and one narrow read of every
/// desired row, which engines plainly do not match and need a reconcile, and which running ones
/// the prober should watch. Pure.
public enum ResyncDiff {
    /// Orphans (observed, not desired) and every desired engine that needs a look. For awake
    /// engines the runtime's spec hash is compared too: a template change or a key rotation
    /// that no event reported is found here. `expectedSpecHash` nil (the spec cannot be built)
    /// also needs a look: the reconcile reports why.
    public static func keysToReconcile(
        desired: [EngineSummary], observed: [ObservedEngine], sleepModes: [UUID: SleepMode],
        expectedSpecHash: (EngineSummary) -> String?
    ) -> [UUID] {
        let byID = Dictionary(observed.map { ($0.engineID, $0) }, uniquingKeysWith: { a, _ in a })
        let desiredIDs = Set(desired.map(\.id))
        var keys = observed.map(\.engineID).filter { !desiredIDs.contains($0) }  // orphans
        for engine in desired where needsLook(engine, byID[engine.id], sleepModes[engine.productID] ?? .stop, expectedSpecHash) {
            keys.append(engine.id)
        }
        return keys
    }

    static func needsLook(_ engine: EngineSummary, _ observed: ObservedEngine?, _ sleepMode: SleepMode, _ expectedSpecHash: (EngineSummary) -> String?) -> Bool {
        if engine.markedForDeletion || engine.observedGeneration != engine.generation { return true }
        let state = observed?.state
        switch engine.spec.state {
        case .awake:
            guard state == .running, engine.phase == .running else { return true }
            // A stored status written for another runtime (one since recreated, or a write that
            // landed late from a previous term) must not stand: the prober would take the
            // running one as it is and nothing would ever rewrite the status.
            if let runtimeID = observed?.runtimeID, engine.runtimeID != runtimeID { return true }
            guard let expected = expectedSpecHash(engine) else { return true }
            return observed?.specHash != expected
        case .asleep:
            return state == .running || (sleepMode == .stop && state == .paused)
        case .stopped:
            return state == .running || state == .paused
        }
    }

    /// What the prober should watch among the engines not queued: awake and running. Seeded
    /// Ready when the stored status was written Ready for this very runtime (as a reconcile that
    /// changes nothing would seed it), so a new leadership term rewrites nothing.
    public struct HealthTarget: Sendable, Equatable {
        public var engineID: UUID
        public var url: String
        public var startedAt: Date?
        public var knownReady: Bool
    }

    public static func healthTargets(desired: [EngineSummary], observed: [ObservedEngine], skipping queued: Set<UUID>) -> [HealthTarget] {
        let byID = Dictionary(observed.map { ($0.engineID, $0) }, uniquingKeysWith: { a, _ in a })
        return desired.compactMap { engine in
            guard !queued.contains(engine.id), engine.spec.state == .awake, !engine.markedForDeletion,
                  let runtime = byID[engine.id], runtime.state == .running, let url = runtime.url else { return nil }
            let knownReady = engine.ready && engine.phase == .running && engine.runtimeID == runtime.runtimeID
                && engine.observedGeneration == engine.generation
            return HealthTarget(engineID: engine.id, url: url, startedAt: runtime.startedAt, knownReady: knownReady)
        }
    }
}
