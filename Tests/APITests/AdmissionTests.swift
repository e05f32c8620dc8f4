import API
import DesiredState
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Admission: rate limit, quota, auto-provision, auto-wake, ready-waiting")
struct AdmissionTests {
    @Test("the three documented not-admitted reasons")
    func notAdmittedReasons() async throws {
        let harness = try await Harness.make()
        try await harness.run { client in
            let p = try await client.register("bap")
            let missing = try await client.call(.post, "/engines/u/admit", platformKey: p.key).jsonObject()
            #expect(missing["admitted"] as? Bool == false && missing["reason"] as? String == "engine_not_found")
            #expect(missing["engine"] is NSNull)
            _ = try await client.call(.post, "/engines/provision", platformKey: p.key, json: #"{"user_id":"u"}"#)
            try await harness.putToSleep(product: p.id, user: "u")
            let sleeping = try await client.call(.post, "/engines/u/admit", platformKey: p.key, json: #"{"auto_wake":false}"#).jsonObject()
            #expect(sleeping["admitted"] as? Bool == false && sleeping["reason"] as? String == "engine_sleeping")
            try await harness.failForGood(product: p.id, user: "u")
            let failed = try await client.call(.post, "/engines/u/admit", platformKey: p.key, json: #"{"auto_wake":true}"#).jsonObject()
            #expect(failed["admitted"] as? Bool == false && failed["reason"] as? String == "engine_unhealthy")
        }
    }

    @Test("auto_provision creates, waits for Ready and returns the engine with its key")
    func autoProvision() async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap")
            let response = try await client.call(.post, "/engines/u/admit", platformKey: p.key, json: #"{"auto_provision":true,"auto_wake":true}"#)
            let body = try response.jsonObject()
            #expect(response.status == .ok && body["admitted"] as? Bool == true)
            let engine = try #require(body["engine"] as? [String: Any])
            #expect(engine["status"] as? String == "running" && (engine["api_key"] as? String)?.hasPrefix("sk-sept-") == true)
        }
    }

    @Test("auto_provision past max_engines is 429 QUOTA_EXCEEDED; policy defaults apply when the body is silent")
    func quotaAndPolicyDefaults() async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap", policy: #"{"max_engines":1,"auto_provision":true}"#)
            #expect(try await client.call(.post, "/engines/a/admit", platformKey: p.key).jsonObject()["admitted"] as? Bool == true)
            let over = try await client.call(.post, "/engines/b/admit", platformKey: p.key)
            #expect(over.status == .tooManyRequests && over.errorCode == "QUOTA_EXCEEDED")
        }
    }

    @Test("rate limit is exact with a pinned clock: rpm admits pass, the next is 429 with Retry-After")
    func rateLimitExact() async throws {
        let harness = try await Harness.make()
        try await harness.run { client in
            let p = try await client.register("bap", policy: #"{"rate_limit_rpm":3}"#)
            for _ in 0..<3 { #expect(try await client.call(.post, "/engines/u/admit", platformKey: p.key).status == .ok) }
            let limited = try await client.call(.post, "/engines/u/admit", platformKey: p.key)
            #expect(limited.status == .tooManyRequests && limited.errorCode == "RATE_LIMITED")
            #expect(limited.headers[.retryAfter] == "20")
            #expect(limited.errorMessage == "Rate limit exceeded. Retry in 20 seconds.")
            harness.clock.advance(19)
            #expect(try await client.call(.post, "/engines/u/admit", platformKey: p.key).status == .tooManyRequests)
            harness.clock.advance(1)
            #expect(try await client.call(.post, "/engines/u/admit", platformKey: p.key).status == .ok)
            #expect(try await client.call(.post, "/engines/u/admit", platformKey: p.key).status == .tooManyRequests)
        }
    }

    @Test("100 concurrent admits for one sleeping user cause exactly one wake and all are admitted")
    func singleWake() async throws {
        let harness = try await Harness.make()
        try await harness.run { client in
            let p = try await client.register("bap")
            _ = try await client.call(.post, "/engines/provision", platformKey: p.key, json: #"{"user_id":"u"}"#)
            try await harness.putToSleep(product: p.id, user: "u")
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        let body = try await client.call(.post, "/engines/u/admit", platformKey: p.key, json: #"{"auto_wake":true}"#).jsonObject()
                        return body["admitted"] as? Bool == true
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(admitted == 100)
            let wakes = try await harness.store.allAudit().filter { $0.action == .wake }
            #expect(wakes.count == 1)
        }
    }

    @Test("wait=false answers at once with the current phase")
    func waitFalse() async throws {
        try await Harness.make().run(controller: FakeController(hold: true)) { client in
            let p = try await client.register("bap")
            let body = try await client.call(.post, "/engines/u/admit?wait=false", platformKey: p.key, json: #"{"auto_provision":true}"#).jsonObject()
            #expect(body["admitted"] as? Bool == false && body["reason"] as? String == "engine_not_ready")
            #expect((body["engine"] as? [String: Any])?["status"] as? String == "provisioning")
            #expect((body["engine"] as? [String: Any])?["api_key"] == nil)
        }
    }

    @Test("activity is coalesced: many admits, few store writes, last activity recorded")
    func activityCoalesced() async throws {
        var harness = Harness()  // the in-memory store counts writes
        harness.activityFlush = .seconds(1)
        try await harness.run { [harness] client in
            let p = try await client.register("bap")
            _ = try await client.call(.post, "/engines/provision", platformKey: p.key, json: #"{"user_id":"u"}"#)
            let started = ContinuousClock.now
            for _ in 0..<50 { _ = try await client.call(.post, "/engines/u/admit", platformKey: p.key) }
            let elapsed = started.duration(to: .now)
            try await eventuallyTrue { try await harness.store.engine(productID: UUID(uuidString: p.id)!, userID: "u")?.lastActivityAt != nil }
            // At most one write per flush interval that passed (plus the final one), however
            // slow the machine: 50 admits are never 50 writes.
            let writes = harness.memoryStore?.activityWrites ?? 99
            #expect(writes <= Int(elapsed.components.seconds) + 2 && writes < 50, "\(writes) writes for 50 admits in \(elapsed)")
        }
    }
}

extension Harness {
    /// What the idle sleeper would do: desired asleep; then wait for the fake controller.
    func putToSleep(product: String, user: String) async throws {
        let productID = try #require(UUID(uuidString: product))
        let found = try await store.engine(productID: productID, userID: user)
        let engine = try #require(found)
        var spec = engine.spec
        spec.state = .asleep
        _ = try await store.updateSpec(engineID: engine.id, spec: spec, expectedGeneration: nil, now: clock.now)
        try await eventuallyTrue { try await store.engine(id: engine.id)?.status.phase == .sleeping }
    }

    /// What the controller writes after giving up restarts.
    func failForGood(product: String, user: String) async throws {
        let productID = try #require(UUID(uuidString: product))
        let found = try await store.engine(productID: productID, userID: user)
        let engine = try #require(found)
        var status = engine.status
        status.phase = .failed
        status.observedGeneration = engine.generation
        status.conditions.set(.ready, .false, reason: .crashLoopBackOff, message: "Gave up.", now: clock.now)
        status.conditions.set(.degraded, .true, reason: .crashLoopBackOff, message: "Gave up.", now: clock.now)
        var spec = engine.spec
        spec.state = .awake
        let woken = try await store.updateSpec(engineID: engine.id, spec: spec, expectedGeneration: nil, now: clock.now)
        // Let the fake controller converge the wake first, so its Ready write cannot land after ours.
        try await eventuallyTrue {
            guard let e = try await store.engine(id: engine.id) else { return false }
            return e.status.observedGeneration >= woken.generation && e.status.phase == .running
        }
        let latest = try await store.engine(id: engine.id)
        let current = try #require(latest)
        status.observedGeneration = current.generation
        try await store.writeStatus(engineID: engine.id, status: status)
    }
}
