@testable import Controller
import DesiredState
import Foundation
import Testing

@Suite("Idle policy")
struct IdlePolicyTests {
    typealias F = Fixture
    let policy = Policy(idleSleepAfter: 900, destroyAfterAsleep: 86_400)

    func engine(_ state: DesiredEngineState, lastActivity: Date?, specChanged: Date, deleted: Bool = false) -> EngineRecord {
        var e = F.engine(state, deleted: deleted)
        e.lastActivityAt = lastActivity
        e.specChangedAt = specChanged
        return e
    }

    @Test("an awake engine idle past idle_sleep_after sleeps; recent activity or a recent wake keeps it awake")
    func sleepDecisions() {
        let now = F.t0.addingTimeInterval(10_000)
        #expect(IdlePolicy.decide(engine(.awake, lastActivity: now.addingTimeInterval(-901), specChanged: F.t0), policy: policy, now: now) == .sleep)
        #expect(IdlePolicy.decide(engine(.awake, lastActivity: now.addingTimeInterval(-10), specChanged: F.t0), policy: policy, now: now) == nil)
        #expect(IdlePolicy.decide(engine(.awake, lastActivity: nil, specChanged: now.addingTimeInterval(-10)), policy: policy, now: now) == nil)
        #expect(IdlePolicy.decide(engine(.awake, lastActivity: nil, specChanged: now.addingTimeInterval(-901)), policy: policy, now: now) == .sleep)
    }

    @Test("asleep past destroy_after_asleep is destroyed; off by default; stopped and deleted engines are left alone")
    func destroyDecisions() {
        let now = F.t0.addingTimeInterval(100_000)
        #expect(IdlePolicy.decide(engine(.asleep, lastActivity: nil, specChanged: F.t0), policy: policy, now: now) == .destroy)
        #expect(IdlePolicy.decide(engine(.asleep, lastActivity: nil, specChanged: F.t0), policy: Policy(idleSleepAfter: 900), now: now) == nil)
        #expect(IdlePolicy.decide(engine(.stopped, lastActivity: nil, specChanged: F.t0), policy: policy, now: now) == nil)
        #expect(IdlePolicy.decide(engine(.awake, lastActivity: nil, specChanged: F.t0, deleted: true), policy: policy, now: now) == nil)
    }
}
