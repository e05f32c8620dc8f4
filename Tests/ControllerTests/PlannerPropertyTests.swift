@testable import Controller
import DesiredState
import Drivers
import Foundation
import Testing

/// Properties over every combination of desired state, sleep mode, runtime state and health.
@Suite("Planner properties")
struct PlannerPropertyTests {
    typealias F = Fixture
    static let states: [RuntimeState?] = [nil, .created, .running, .paused, .exited]

    /// Applies the planned steps to an idealised runtime (every step succeeds, a started
    /// engine answers ready).
    static func apply(_ actions: [EngineAction], to observed: ObservedEngine?, runtime: RuntimeSpec) -> ObservedEngine? {
        var o = observed
        for action in actions {
            switch action {
            case .create: o = F.observed(.created, keyGeneration: runtime.keyGeneration, image: runtime.image)
            case .start, .unpause: o?.state = .running
            case .stop: o?.state = .exited
            case .pause: o?.state = .paused
            case .remove: o = nil
            }
        }
        return o
    }

    @Test("applying a plan and planning again converges: the second plan is empty")
    func convergesInOneStep() {
        for desired in DesiredEngineState.allCases {
            for mode in SleepMode.allCases {
                for state in Self.states {
                    for key in [1, 2] {
                        let engine = F.engine(desired, generation: 3, observedGeneration: 2, phase: .provisioning, keyGeneration: key)
                        let runtime = F.runtime(keyGeneration: key)
                        let observed = state.map { F.observed($0) }
                        let first = Planner.plan(F.input(engine, observed, sleepMode: mode, runtime: runtime), settings: PlannerSettings())
                        let after = Self.apply(first.actions, to: observed, runtime: runtime)
                        var next = engine
                        next.status.observedGeneration = engine.generation
                        next.status.phase = desired == .awake ? .running : (desired == .asleep ? .sleeping : .stopped)
                        let second = Planner.plan(F.input(next, after, sleepMode: mode, runtime: runtime), settings: PlannerSettings())
                        #expect(second.actions.isEmpty, "\(desired) \(mode) \(String(describing: state)) key \(key): \(first.actions) then \(second.actions)")
                    }
                }
            }
        }
    }

    @Test("a converged world plans nothing")
    func convergedIsEmpty() {
        let cases: [(DesiredEngineState, RuntimeState?, SleepMode, EnginePhase)] = [
            (.awake, .running, .stop, .running), (.asleep, .exited, .stop, .sleeping), (.asleep, .paused, .pause, .sleeping),
            (.asleep, nil, .stop, .sleeping), (.stopped, .exited, .stop, .stopped), (.stopped, nil, .pause, .stopped),
        ]
        for (desired, state, mode, phase) in cases {
            let plan = Planner.plan(F.input(F.engine(desired, phase: phase), state.map { F.observed($0) }, sleepMode: mode), settings: PlannerSettings())
            #expect(plan.isEmpty, "\(desired) \(String(describing: state)) \(mode)")
        }
    }

    @Test("a deleted engine always plans its removal and finalizes")
    func deletionAlwaysRemoves() {
        for desired in DesiredEngineState.allCases {
            for state in Self.states {
                let plan = Planner.plan(F.input(F.engine(desired, deleted: true), state.map { F.observed($0) }), settings: PlannerSettings())
                #expect(plan.actions == [.remove(keepBrain: false)])
                #expect(plan.finalize)
            }
        }
    }
}
