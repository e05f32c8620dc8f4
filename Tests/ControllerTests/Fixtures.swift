@testable import Controller
import DesiredState
import Drivers
import Foundation

/// Builders for planner inputs: one engine, one runtime spec, one observation.
enum Fixture {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let productID = UUID(uuidString: "00000000-0000-0000-0000-00000000000a")!
    static let engineID = UUID(uuidString: "00000000-0000-0000-0000-0000000000e1")!

    static func engine(
        _ state: DesiredEngineState = .awake, generation: Int64 = 2, observedGeneration: Int64 = 2,
        phase: EnginePhase = .running, keyGeneration: Int = 1, deleted: Bool = false,
        restartCount: Int = 0, lastRestartAt: Date? = nil, readySince: Date? = nil, degradedReason: ConditionReason? = nil
    ) -> EngineRecord {
        var status = EngineStatus(phase: phase, observedGeneration: observedGeneration, restartCount: restartCount, lastRestartAt: lastRestartAt, readySince: readySince)
        if let degradedReason { status.conditions.set(.degraded, .true, reason: degradedReason, message: "", now: t0) }
        return EngineRecord(
            id: engineID, productID: productID, userID: "user-1",
            spec: EngineSpec(state: state, keyGeneration: keyGeneration), generation: generation, keyVersion: 1,
            deletionRequestedAt: deleted ? t0 : nil, createdAt: t0, specChangedAt: t0, lastActivityAt: nil,
            status: status, revision: 1
        )
    }

    static func runtime(keyGeneration: Int = 1, image: String = "engine:1") -> RuntimeSpec {
        RuntimeSpec(engineID: engineID, productID: productID, userID: "user-1", image: image, keyGeneration: keyGeneration, keyHash: "h")
    }

    static func observed(_ state: RuntimeState, keyGeneration: Int = 1, image: String = "engine:1", startedAt: Date? = t0) -> ObservedEngine {
        let spec = runtime(keyGeneration: keyGeneration, image: image)
        return ObservedEngine(engineID: engineID, state: state, specHash: spec.specHash, keyGeneration: keyGeneration, url: "http://127.0.0.1:9001", startedAt: startedAt)
    }

    static func input(
        _ engine: EngineRecord, _ observed: ObservedEngine?, health: HealthObservation = HealthObservation(ready: true),
        sleepMode: SleepMode = .stop, runtime: RuntimeSpec? = Fixture.runtime(), held: Bool = false, now: Date = t0.addingTimeInterval(5)
    ) -> PlanInput {
        PlanInput(engine: engine, sleepMode: sleepMode, runtime: runtime, observed: observed, health: health, restartsHeld: held, now: now)
    }
}
