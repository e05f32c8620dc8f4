import Controller
import Foundation
import Synchronization
import TestSupport
import Testing

@Suite("Health prober")
struct HealthProberTests {
    final class FakeProbe: Sendable {
        let outcome = Mutex(ProbeOutcome.ready)
        let calls = Mutex(0)
        func callAsFunction(_ url: String) async -> ProbeOutcome {
            calls.withLock { $0 += 1 }
            return outcome.withLock { $0 }
        }
    }

    @Test("a new engine is probed fast until ready; one known ready for this start is seeded and not probed at once")
    func seeding() async throws {
        let probe = FakeProbe()
        let prober = HealthProber(probe: { await probe($0) }, interval: .seconds(60), bootInterval: .milliseconds(10))
        let started = Date()
        let seeded = UUID()
        await prober.track(seeded, url: "http://a", startedAt: started, knownReady: true)
        #expect(await prober.observation(seeded, startedAt: started).ready == true, "seeded without a probe")
        let fresh = UUID()
        await prober.track(fresh, url: "http://b", startedAt: started)
        #expect(await prober.observation(fresh, startedAt: started) == .unknown)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await prober.run { _ in } }
            defer { group.cancelAll() }
            try await eventually(timeout: .seconds(10), "fresh engine seen ready") { await prober.observation(fresh, startedAt: started).ready == true }
        }
        // One probe for the fresh engine; the seeded one's first probe is spread over the 60 s
        // interval (at most one more call, if the random offset happened to be tiny).
        #expect(probe.calls.withLock { $0 } <= 2)
    }

    @Test("the breaker opens when more than half of at least ten engines fail at once, and closes when they recover")
    func breaker() async throws {
        let probe = FakeProbe()
        probe.outcome.withLock { $0 = .unready("provider down") }
        let prober = HealthProber(probe: { await probe($0) }, interval: .milliseconds(20), bootInterval: .milliseconds(10))
        for i in 0..<12 { await prober.track(UUID(), url: "http://e\(i)", startedAt: Date()) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await prober.run { _ in } }
            defer { group.cancelAll() }
            try await eventually(timeout: .seconds(10), "breaker open") { await prober.restartsHeld }
            probe.outcome.withLock { $0 = .ready }
            try await eventually(timeout: .seconds(10), "breaker closed") { await !prober.restartsHeld }
        }
    }
}
