@testable import Controller
import DesiredState
import Drivers
import Foundation
import Testing

/// The resync diff: which engines need a reconcile, and which the prober takes as they are.
@Suite("Resync diff")
struct ResyncDiffTests {
    static let expected = Fixture.runtime().specHash
    static func hash(_ engine: EngineSummary) -> String? { expected }

    func summary(_ engine: EngineRecord) -> EngineSummary { EngineSummary(engine) }

    func keys(_ engines: [EngineRecord], _ observed: [ObservedEngine], sleepMode: SleepMode = .stop, hash: (EngineSummary) -> String? = hash) -> [UUID] {
        ResyncDiff.keysToReconcile(desired: engines.map(summary), observed: observed, sleepModes: [Fixture.productID: sleepMode], expectedSpecHash: hash)
    }

    @Test("a converged awake engine needs nothing; every kind of mismatch needs a look")
    func mismatches() {
        let converged = Fixture.engine()
        #expect(keys([converged], [Fixture.observed(.running)]).isEmpty)
        #expect(keys([converged], [Fixture.observed(.exited)]) == [Fixture.engineID], "exited")
        #expect(keys([converged], []) == [Fixture.engineID], "missing runtime")
        #expect(keys([Fixture.engine(phase: .failed)], [Fixture.observed(.running)]) == [Fixture.engineID], "status not running")
        #expect(keys([Fixture.engine(generation: 3)], [Fixture.observed(.running)]) == [Fixture.engineID], "spec not observed yet")
        #expect(keys([Fixture.engine(deleted: true)], [Fixture.observed(.running)]) == [Fixture.engineID], "marked for deletion")
        #expect(keys([converged], [Fixture.observed(.running, image: "engine:2")]) == [Fixture.engineID], "runtime built from another template")
        #expect(keys([converged], [Fixture.observed(.running)], hash: { _ in nil }) == [Fixture.engineID], "spec cannot be built")
    }

    @Test("a status written for another runtime than the one running needs a look (else nothing would rewrite it)")
    func statusForAnotherRuntime() {
        var engine = Fixture.engine()
        engine.status.runtimeID = "r1"
        var observed = Fixture.observed(.running)
        observed.runtimeID = "r1"
        #expect(keys([engine], [observed]).isEmpty, "the status names the running runtime")
        observed.runtimeID = "r2"
        #expect(keys([engine], [observed]) == [Fixture.engineID], "recreated since the status was written")
        engine.status.runtimeID = nil
        #expect(keys([engine], [observed]) == [Fixture.engineID], "a status naming no runtime")
        observed.runtimeID = nil
        #expect(keys([engine], [observed]).isEmpty, "a driver that reports no runtime id is not second-guessed")
    }

    @Test("asleep and stopped engines: only a runtime that still runs needs a look")
    func sleeping() {
        let asleep = Fixture.engine(.asleep, phase: .sleeping)
        #expect(keys([asleep], [Fixture.observed(.exited)]).isEmpty)
        #expect(keys([asleep], []).isEmpty)
        #expect(keys([asleep], [Fixture.observed(.running)]) == [Fixture.engineID])
        #expect(keys([asleep], [Fixture.observed(.paused)]) == [Fixture.engineID], "stop policy: paused is not asleep")
        #expect(keys([asleep], [Fixture.observed(.paused)], sleepMode: .pause).isEmpty)
        #expect(keys([asleep], [Fixture.observed(.exited, image: "engine:2")]).isEmpty, "recreated at wake, not now")
        let stopped = Fixture.engine(.stopped, phase: .stopped)
        #expect(keys([stopped], [Fixture.observed(.exited)]).isEmpty)
        #expect(keys([stopped], [Fixture.observed(.paused)]) == [Fixture.engineID])
    }

    @Test("a runtime with no desired row is an orphan")
    func orphans() {
        let orphan = ObservedEngine(engineID: UUID(), state: .running)
        #expect(keys([], [orphan]) == [orphan.engineID])
    }

    @Test("running engines not queued go to the prober, seeded Ready only for the runtime the status was written for")
    func healthTargets() {
        var ready = Fixture.engine()
        ready.status.conditions.set(.ready, .true, reason: .engineHealthy, message: "", now: Fixture.t0)
        ready.status.runtimeID = "r1"
        var observed = Fixture.observed(.running)
        observed.runtimeID = "r1"
        let seeded = ResyncDiff.healthTargets(desired: [summary(ready)], observed: [observed], skipping: [])
        #expect(seeded == [ResyncDiff.HealthTarget(engineID: Fixture.engineID, url: "http://127.0.0.1:9001", startedAt: Fixture.t0, knownReady: true)])
        observed.runtimeID = "r2"
        #expect(ResyncDiff.healthTargets(desired: [summary(ready)], observed: [observed], skipping: []).first?.knownReady == false, "another start")
        #expect(ResyncDiff.healthTargets(desired: [summary(ready)], observed: [observed], skipping: [Fixture.engineID]).isEmpty, "queued: the reconcile tracks it")
        #expect(ResyncDiff.healthTargets(desired: [summary(Fixture.engine(.asleep))], observed: [Fixture.observed(.running)], skipping: []).isEmpty)
        #expect(ResyncDiff.healthTargets(desired: [summary(ready)], observed: [Fixture.observed(.exited)], skipping: []).isEmpty)
    }
}
