import Foundation
import TestSupport
import Testing

/// The real server binary on Postgres and Docker, driven the way a product written against the
/// original service drives it (REFERENCE.md §2), then checked for leaked keys.
@Suite("End to end: the server binary", .serialized)
struct ProductFlowTests {
    @Test("a product built against the original runs its whole flow unchanged, and no key leaks")
    func originalProductFlow() async throws {
        try await ServerProcess.with { server in
            let admin = HTTPJSON(base: server.base, headers: [("X-Admin-Key", server.adminKey)])
            let registered = try await admin.call("POST", "/products/register", json: #"{"slug":"e2e-\#(server.runID)","display_name":"E2E"}"#)
            #expect(registered.status == 200)
            let platformKey = try #require(registered.string("platform_api_key"))
            let api = HTTPJSON(base: server.base, headers: [("X-Platform-Key", platformKey)])
            var keys = [server.adminKey, platformKey]

            // Provision answers running, with a URL and a key that opens the Engine.
            let provisioned = try await api.call("POST", "/engines/provision", json: #"{"user_id":"alice"}"#)
            #expect(provisioned.status == 200, "\(provisioned.raw)")
            #expect(provisioned.string("status") == "running")
            let url = try #require(provisioned.string("url"))
            let key = try #require(provisioned.string("api_key"))
            keys.append(key)
            let engine = HTTPJSON(base: url)
            #expect(try await engine.call("POST", "/execute", json: #"{"message":"hello","task_id":"t1"}"#, extra: [("X-Engine-Key", key)]).status == 200)
            #expect(try await api.call("POST", "/engines/provision", json: #"{"user_id":"alice"}"#).string("code") == nil)
            let duplicate = try await api.call("POST", "/engines/provision", json: #"{"user_id":"alice"}"#)
            #expect(duplicate.status == 409)
            #expect(duplicate.object("error")?["code"] as? String == "ENGINE_ALREADY_EXISTS")

            // Admit (the recommended call on every user request) and discovery.
            let admitted = try await api.call("POST", "/engines/alice/admit", json: #"{"auto_provision":true,"auto_wake":true}"#)
            #expect(admitted.body["admitted"] as? Bool == true)
            #expect(admitted.object("engine")?["api_key"] as? String == key)
            #expect(try await api.call("GET", "/engines/alice").string("api_key") == key)
            let list = try await api.call("GET", "/engines")
            #expect(list.body["total"] as? Int == 1)
            #expect(!list.raw.contains(key))

            // Rotate: the new key opens the Engine, the old one is refused.
            let rotated = try await api.call("POST", "/engines/alice/rotate-key")
            #expect(rotated.status == 200, "\(rotated.raw)")
            let newKey = try #require(rotated.string("api_key"))
            keys.append(newKey)
            #expect(newKey != key)
            let afterRotation = try #require(try await api.call("GET", "/engines/alice").string("url"))
            #expect(try await HTTPJSON(base: afterRotation).call("GET", "/memory/export", extra: [("X-Engine-Key", newKey)]).status == 200)
            #expect(try await HTTPJSON(base: afterRotation).call("GET", "/memory/export", extra: [("X-Engine-Key", key)]).status == 401)

            // Stop, start.
            let stopped = try await api.call("POST", "/engines/alice/stop")
            #expect(stopped.status == 200, "\(stopped.raw)")
            try await eventually(timeout: .seconds(30), "stopped") { try await api.call("GET", "/engines/alice").string("status") == "stopped" }
            let started = try await api.call("POST", "/engines/alice/start")
            #expect(started.string("status") == "running", "\(started.raw)")

            // Sleep (our /v1 verb), then admit without and with auto_wake.
            let slug = "e2e-\(server.runID)"
            #expect(try await api.call("POST", "/v1/products/\(slug)/engines/alice/sleep").status == 200)
            try await eventually(timeout: .seconds(30), "sleeping") { try await api.call("GET", "/engines/alice").string("status") == "sleeping" }
            let refused = try await api.call("POST", "/engines/alice/admit", json: #"{"auto_wake":false}"#)
            #expect(refused.body["admitted"] as? Bool == false)
            #expect(refused.string("reason") == "engine_sleeping")
            let woken = try await api.call("POST", "/engines/alice/admit", json: #"{"auto_wake":true}"#)
            #expect(woken.body["admitted"] as? Bool == true, "\(woken.raw)")
            let wokenURL = try #require(woken.object("engine")?["url"] as? String)
            #expect(try await HTTPJSON(base: wokenURL).call("GET", "/health").status == 200)

            // Wrong keys, unknown users, another product's engines.
            #expect(try await HTTPJSON(base: server.base, headers: [("X-Platform-Key", "pk-sept-wrong")]).call("GET", "/engines/alice").object("error")?["code"] as? String == "INVALID_PLATFORM_KEY")
            #expect(try await api.call("GET", "/engines/bob").status == 404)
            let other = try await admin.call("POST", "/products/register", json: #"{"slug":"other-\#(server.runID)","display_name":"Other"}"#)
            let otherKey = try #require(other.string("platform_api_key"))
            keys.append(otherKey)
            #expect(try await HTTPJSON(base: server.base, headers: [("X-Platform-Key", otherKey)]).call("GET", "/engines/alice").status == 404)

            // Destroy: the row and the container go.
            let destroyed = try await api.call("DELETE", "/engines/alice")
            #expect(destroyed.string("status") == "destroyed")
            try await eventually(timeout: .seconds(30), "engine gone") { try await api.call("GET", "/engines/alice").status == 404 }
            try await eventually(timeout: .seconds(30), "container gone") {
                Shell.run("docker", ["ps", "-aq", "--filter", "label=bap.product=\(registered.string("product_id") ?? "")"]).isEmpty
            }

            // No key in the log or anywhere in the database.
            let log = server.log
            let dump = try await server.dumpDatabase()
            #expect(!dump.isEmpty)
            for secret in keys + [server.masterKey] {
                #expect(!log.contains(secret), "a key appeared in the server log")
                #expect(!dump.contains(secret), "a key appeared in the database")
            }
        }
    }

    @Test("kill -9 of the server mid-convergence: after a restart every acknowledged engine runs once, no orphans")
    func killNineMidConvergence() async throws {
        try await ServerProcess.with { server in
            let admin = HTTPJSON(base: server.base, headers: [("X-Admin-Key", server.adminKey)])
            let slug = "k9-\(server.runID)"
            let registered = try await admin.call("POST", "/products/register", json: #"{"slug":"\#(slug)","display_name":"K9"}"#)
            let api = HTTPJSON(base: server.base, headers: [("X-Platform-Key", try #require(registered.string("platform_api_key")))])
            let users = (0..<24).map { "u\($0)" }
            var acknowledged: [String] = []
            for user in users {
                // A product retries 503 (the server sheds load while its store is slow); what
                // matters is that every acknowledged write survives the kill.
                for _ in 0..<5 {
                    let put = try await api.call("PUT", "/v1/products/\(slug)/engines/\(user)", json: #"{"spec":{"state":"awake"}}"#)
                    if (200..<300).contains(put.status) { acknowledged.append(user); break }
                    if put.status != 503 { break }
                    try await Task.sleep(for: .seconds(1))
                }
            }
            #expect(acknowledged.count == users.count)
            let productID = try #require(registered.string("product_id"))
            let containers = { Shell.run("docker", ["ps", "-aq", "--filter", "label=bap.product=\(productID)"]).split(separator: "\n").count }
            try await eventually(timeout: .seconds(60), "some containers") { containers() >= 4 }
            server.kill9()
            try await server.start()
            for user in acknowledged {
                try await eventually(timeout: .seconds(120), "\(user) running") {
                    try await api.call("GET", "/engines/\(user)").string("status") == "running"
                }
            }
            let names = Shell.run("docker", ["ps", "-a", "--filter", "label=bap.product=\(productID)", "--format", "{{.Names}}"]).split(separator: "\n")
            #expect(names.count == acknowledged.count)
            #expect(Set(names).count == names.count)
        }
    }

    @Test("the rate limit is exact across two server processes on one database")
    func rateLimitAcrossReplicas() async throws {
        try await ServerProcess.with { a in
            let b = a.replica()
            try await b.start()
            defer { b.stop() }
            let admin = HTTPJSON(base: a.base, headers: [("X-Admin-Key", a.adminKey)])
            let rpm = 20
            let registered = try await admin.call("POST", "/products/register", json: #"{"slug":"rl-\#(a.runID)","display_name":"RL","policy":{"rate_limit_rpm":\#(rpm),"auto_provision":false}}"#)
            let key = try #require(registered.string("platform_api_key"), "\(registered.raw)")
            let servers = [a, b].map { HTTPJSON(base: $0.base, headers: [("X-Platform-Key", key)]) }
            for server in servers { #expect(try await server.call("GET", "/status").status == 200) }  // warm pools: a fair race
            // 60 admits at once, alternating between the two processes. A bucket per process
            // would let 2 × rpm through; a shared one exactly rpm, plus what refilled meanwhile.
            let clock = ContinuousClock()
            let started = clock.now
            let replies = try await withThrowingTaskGroup(of: Admitted.self) { group in
                for i in 0..<60 {
                    group.addTask {
                        let reply = try await servers[i % 2].call("POST", "/engines/nobody/admit")
                        return Admitted(server: i % 2, status: reply.status, code: reply.object("error")?["code"] as? String,
                                        retryAfter: reply.headers.contains { $0.0.lowercased() == "retry-after" })
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let elapsed = started.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let refilled = Int(seconds * Double(rpm) / 60)
            let passed = replies.filter { $0.status != 429 }
            let limited = replies.filter { $0.status == 429 }
            print("rate limit across 2 processes: \(passed.count) of 60 passed (rpm \(rpm), \(refilled) refilled in \(elapsed)); per process \([0, 1].map { s in passed.filter { $0.server == s }.count })")
            #expect(replies.allSatisfy { $0.status < 500 }, "\(replies.map(\.status))")
            #expect(passed.count >= rpm && passed.count <= rpm + refilled, "exactly the bucket, shared by both processes")
            #expect(limited.allSatisfy { $0.code == "RATE_LIMITED" && $0.retryAfter })
        }
    }

    @Test("process driver: stop answers once stopped (an immediate GET says so); after DELETE the user is gone at once and is provisioned again with a new engine")
    func stopAndDeleteAnswerLikeTheOriginal() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("bap-e2e-contract-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        try await ServerProcess.with(extraEnv: ["ORCH_ENGINE_BACKEND": "process", "ORCH_DATA_DIR": dataDir]) { server in
            let admin = HTTPJSON(base: server.base, headers: [("X-Admin-Key", server.adminKey)])
            let slug = "contract-\(server.runID)"
            let registered = try await admin.call("POST", "/products/register", json: #"{"slug":"\#(slug)","display_name":"Contract"}"#)
            let api = HTTPJSON(base: server.base, headers: [("X-Platform-Key", try #require(registered.string("platform_api_key"), "\(registered.raw)"))])

            let provisioned = try await api.call("POST", "/engines/provision", json: #"{"user_id":"alice"}"#)
            #expect(provisioned.status == 200, "\(provisioned.raw)")
            let oldID = try #require(provisioned.string("engine_id"))
            let oldKey = try #require(provisioned.string("api_key"))
            let oldURL = try #require(provisioned.string("url"))
            #expect(try await HTTPJSON(base: oldURL).call("GET", "/health").status == 200)

            // Stop answers after the process is gone: the very next GET says stopped.
            let stopped = try await api.call("POST", "/engines/alice/stop")
            #expect(stopped.status == 200, "\(stopped.raw)")
            #expect(stopped.string("status") == "stopped")
            let afterStop = try await api.call("GET", "/engines/alice")
            #expect(afterStop.string("status") == "stopped", "\(afterStop.raw)")
            #expect((try? await HTTPJSON(base: oldURL).call("GET", "/health", timeout: .seconds(2)))?.status != 200)
            let started = try await api.call("POST", "/engines/alice/start")
            #expect(started.string("status") == "running", "\(started.raw)")

            // Delete: gone at once for the legacy API, no key anywhere.
            let destroyed = try await api.call("DELETE", "/engines/alice")
            #expect(destroyed.string("status") == "destroyed", "\(destroyed.raw)")
            let gone = try await api.call("GET", "/engines/alice")
            #expect(gone.status == 404 && gone.object("error")?["code"] as? String == "ENGINE_NOT_FOUND", "\(gone.raw)")
            #expect(!gone.raw.contains(oldKey))
            #expect(try await api.call("GET", "/engines").body["total"] as? Int == 0)

            // Provisioned again right away: a new engine that works, while the old one goes.
            let again = try await api.call("POST", "/engines/provision", json: #"{"user_id":"alice"}"#)
            #expect(again.status == 200, "\(again.raw)")
            let newID = try #require(again.string("engine_id"))
            let newKey = try #require(again.string("api_key"))
            #expect(newID != oldID)
            // Key scheme 2 puts the engine id in the derivation: a destroyed user's key never
            // opens the next engine of the same user id.
            #expect(newKey != oldKey)
            let newURL = try #require(again.string("url"))
            #expect(try await HTTPJSON(base: newURL).call("GET", "/memory/export", extra: [("X-Engine-Key", newKey)]).status == 200)
            #expect(try await api.call("GET", "/engines/alice").string("engine_id") == newID)
            try await eventually(timeout: .seconds(30), "old engine torn down") {
                let engines = try await api.call("GET", "/v1/products/\(slug)/engines").body["engines"] as? [[String: Any]] ?? []
                return engines.map { $0["engine_id"] as? String } == [newID]
            }
            #expect(!FileManager.default.fileExists(atPath: "\(dataDir)/engines/\(oldID)"))

            // Leave nothing running: delete the new one too.
            #expect(try await api.call("DELETE", "/engines/alice").status == 200)
            try await eventually(timeout: .seconds(30), "new engine torn down") {
                try await api.call("GET", "/v1/products/\(slug)/engines").body["total"] as? Int == 0
            }
        }
    }

    struct Admitted: Sendable {
        var server: Int
        var status: Int
        var code: String?
        var retryAfter: Bool
    }
}
