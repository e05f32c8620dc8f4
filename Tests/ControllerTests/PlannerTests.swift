@testable import Controller
import DesiredState
import Drivers
import Foundation
import Testing

@Suite("Planner")
struct PlannerTests {
    let settings = PlannerSettings()
    typealias F = Fixture

    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var input: PlanInput
        var actions: [EngineAction]
        var audit: [AuditAction]
        var testDescription: String { name }
    }

    static let grace = PlannerSettings().stopGrace
    static let rows: [Row] = [
        Row(name: "new awake engine is created and started (provision)",
            input: F.input(F.engine(generation: 1, observedGeneration: 0, phase: .provisioning), nil),
            actions: [.create, .start], audit: [.provision]),
        Row(name: "awake, running and ready: nothing",
            input: F.input(F.engine(), F.observed(.running)), actions: [], audit: []),
        Row(name: "awake, created: start",
            input: F.input(F.engine(observedGeneration: 0, phase: .provisioning), F.observed(.created)),
            actions: [.start], audit: [.provision]),
        Row(name: "awake, paused: unpause (wake)",
            input: F.input(F.engine(generation: 3, phase: .sleeping), F.observed(.paused)), actions: [.unpause], audit: [.wake]),
        Row(name: "woken from stop-sleep: start (wake)",
            input: F.input(F.engine(generation: 3, phase: .sleeping), F.observed(.exited)), actions: [.start], audit: [.wake]),
        Row(name: "started after a manual stop: start",
            input: F.input(F.engine(generation: 3, phase: .stopped), F.observed(.exited)), actions: [.start], audit: [.start]),
        Row(name: "crashed while running: restart at once (first attempt)",
            input: F.input(F.engine(), F.observed(.exited)), actions: [.start], audit: [.autoRestartStart]),
        Row(name: "key generation bumped: recreate keeping the brain",
            input: F.input(F.engine(generation: 3, keyGeneration: 2), F.observed(.running), runtime: F.runtime(keyGeneration: 2)),
            actions: [.remove(keepBrain: true), .create, .start], audit: [.rotateKey]),
        Row(name: "image changed: recreate keeping the brain",
            input: F.input(F.engine(generation: 3), F.observed(.running), runtime: F.runtime(image: "engine:2")),
            actions: [.remove(keepBrain: true), .create, .start], audit: ["recreate"]),
        Row(name: "asleep (stop mode), running: stop",
            input: F.input(F.engine(.asleep, generation: 3), F.observed(.running)), actions: [.stop(grace: grace)], audit: [.sleep]),
        Row(name: "asleep (pause mode), running: pause",
            input: F.input(F.engine(.asleep, generation: 3), F.observed(.running), sleepMode: .pause), actions: [.pause], audit: [.sleep]),
        Row(name: "asleep (stop mode), paused: unpause then stop",
            input: F.input(F.engine(.asleep, generation: 3), F.observed(.paused)), actions: [.unpause, .stop(grace: grace)], audit: [.sleep]),
        Row(name: "asleep, exited: nothing",
            input: F.input(F.engine(.asleep, phase: .sleeping), F.observed(.exited)), actions: [], audit: []),
        Row(name: "asleep (pause mode), paused: nothing",
            input: F.input(F.engine(.asleep, phase: .sleeping), F.observed(.paused), sleepMode: .pause), actions: [], audit: []),
        Row(name: "asleep and never created: nothing is created",
            input: F.input(F.engine(.asleep, phase: .sleeping), nil), actions: [], audit: []),
        Row(name: "stopped, running: stop",
            input: F.input(F.engine(.stopped, generation: 3), F.observed(.running)), actions: [.stop(grace: grace)], audit: [.stop]),
        Row(name: "stopped, paused: unpause then stop",
            input: F.input(F.engine(.stopped, generation: 3), F.observed(.paused)), actions: [.unpause, .stop(grace: grace)], audit: [.stop]),
        Row(name: "stopped, exited: nothing",
            input: F.input(F.engine(.stopped, phase: .stopped), F.observed(.exited)), actions: [], audit: []),
        Row(name: "marked for deletion, running: remove with brain",
            input: F.input(F.engine(deleted: true), F.observed(.running)), actions: [.remove(keepBrain: false)], audit: [.destroy]),
        Row(name: "marked for deletion, absent: remove (brain) is still idempotently asked",
            input: F.input(F.engine(deleted: true), nil), actions: [.remove(keepBrain: false)], audit: [.destroy]),
        Row(name: "liveness failed past the threshold: restart",
            input: F.input(F.engine(), F.observed(.running), health: HealthObservation(ready: false, livenessFailures: 3)),
            actions: [.stop(grace: .seconds(2)), .start], audit: [.healthFailed, .autoRestartStart]),
        Row(name: "alive but unready (provider down): no restart",
            input: F.input(F.engine(readySince: F.t0), F.observed(.running), health: HealthObservation(ready: false, livenessFailures: 0)),
            actions: [], audit: []),
    ]

    @Test("every state pair plans the expected steps", arguments: rows)
    func table(_ row: Row) {
        let plan = Planner.plan(row.input, settings: settings)
        #expect(plan.actions == row.actions)
        #expect(plan.audit == row.audit)
    }

    @Test("second crash waits for the backoff, then restarts")
    func crashBackoff() {
        let last = F.t0
        let engine = F.engine(phase: .failed, restartCount: 1, lastRestartAt: last)
        let early = Planner.plan(F.input(engine, F.observed(.exited), now: last.addingTimeInterval(9)), settings: settings)
        #expect(early.actions.isEmpty)
        #expect(early.nextRetryAt == last.addingTimeInterval(10))
        #expect(early.requeueAfter == .seconds(1))
        let due = Planner.plan(F.input(engine, F.observed(.exited), now: last.addingTimeInterval(10)), settings: settings)
        #expect(due.actions == [.start])
        #expect(due.restartCount == 2)
    }

    @Test("after max attempts it gives up once and audits it once")
    func givesUp() {
        let engine = F.engine(phase: .failed, restartCount: 8, lastRestartAt: F.t0)
        let plan = Planner.plan(F.input(engine, F.observed(.exited), now: F.t0.addingTimeInterval(10_000)), settings: settings)
        #expect(plan.actions.isEmpty)
        #expect(plan.givenUp == .restartsExhausted)
        #expect(plan.audit == [.autoRestartGaveUp])
        let again = F.engine(phase: .failed, restartCount: 8, lastRestartAt: F.t0, degradedReason: .restartsExhausted)
        #expect(Planner.plan(F.input(again, F.observed(.exited)), settings: settings).audit.isEmpty)
    }

    @Test("a new spec after giving up is a fresh chance")
    func newSpecResets() {
        let engine = F.engine(generation: 3, observedGeneration: 2, phase: .failed, restartCount: 8, lastRestartAt: F.t0)
        let plan = Planner.plan(F.input(engine, F.observed(.exited)), settings: settings)
        #expect(plan.actions == [.start])
        #expect(plan.restartCount == 0)
    }

    @Test("the circuit breaker holds restarts")
    func breakerHolds() {
        let plan = Planner.plan(F.input(F.engine(), F.observed(.exited), held: true), settings: settings)
        #expect(plan.actions.isEmpty)
        #expect(plan.nextRetryAt != nil)
    }

    @Test("a boot that never gets ready is restarted after the boot timeout")
    func bootTimeout() {
        let engine = F.engine(phase: .provisioning)
        let booting = Planner.plan(F.input(engine, F.observed(.running), health: .unknown, now: F.t0.addingTimeInterval(30)), settings: settings)
        #expect(booting.actions.isEmpty)
        #expect(booting.requeueAfter == .seconds(30))
        let late = Planner.plan(F.input(engine, F.observed(.running), health: .unknown, now: F.t0.addingTimeInterval(61)), settings: settings)
        #expect(late.actions == [.stop(grace: .seconds(2)), .start])
        let answersUnready = HealthObservation(ready: false, livenessFailures: 0)
        let alive = Planner.plan(F.input(engine, F.observed(.running), health: answersUnready, now: F.t0.addingTimeInterval(61)), settings: settings)
        #expect(alive.actions.isEmpty, "an engine answering 'not ready' is alive: no restart")
    }

    @Test("healthy for the reset window forgives earlier restarts")
    func resetAfterHealthy() {
        let engine = F.engine(restartCount: 3, lastRestartAt: F.t0)
        let plan = Planner.plan(F.input(engine, F.observed(.running), now: F.t0.addingTimeInterval(601)), settings: settings)
        #expect(plan.restartCount == 0)
        #expect(plan.actions.isEmpty)
    }
}
