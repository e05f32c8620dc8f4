import DesiredState
import Drivers
import Foundation

/// The cheap part of a periodic resync: from one `list()` and one read of the desired rows,
/// which engines plainly do not match and need a reconcile. Pure. (The first resync of a
/// leadership term reconciles everything instead, to register every engine with the prober.)
public enum ResyncDiff {
    public static func keysToReconcile(desired: [EngineRecord], observed: [ObservedEngine], sleepModes: [UUID: SleepMode]) -> [UUID] {
        let byID = Dictionary(observed.map { ($0.engineID, $0) }, uniquingKeysWith: { a, _ in a })
        let desiredIDs = Set(desired.map(\.id))
        var keys = observed.map(\.engineID).filter { !desiredIDs.contains($0) }  // orphans
        for engine in desired where needsLook(engine, byID[engine.id], sleepModes[engine.productID] ?? .stop) {
            keys.append(engine.id)
        }
        return keys
    }

    static func needsLook(_ engine: EngineRecord, _ observed: ObservedEngine?, _ sleepMode: SleepMode) -> Bool {
        if engine.isMarkedForDeletion || engine.status.observedGeneration != engine.generation { return true }
        let state = observed?.state
        switch engine.spec.state {
        case .awake:
            return state != .running || engine.status.phase != .running
        case .asleep:
            return state == .running || (sleepMode == .stop && state == .paused)
        case .stopped:
            return state == .running || state == .paused
        }
    }
}
