import API
import DesiredState
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The original's /engines endpoints")
struct LegacyEngineTests {
    @Test("provision waits for Ready and returns running, a URL and a derived key that GET repeats")
    func provisionAndGet() async throws {
        let harness = try await Harness.make()
        try await harness.run { client in
            let product = try await client.register("bap")
            let response = try await client.call(.post, "/engines/provision", platformKey: product.key, json: #"{"user_id":"alice"}"#)
            #expect(response.status == .ok)
            let body = try response.jsonObject()
            #expect(body["status"] as? String == "running")
            #expect((body["url"] as? String)?.hasPrefix("http://") == true)
            let key = try #require(body["api_key"] as? String)
            #expect(key.hasPrefix("sk-sept-v1-"))
            let got = try await client.call(.get, "/engines/alice", platformKey: product.key).jsonObject()
            #expect(got["api_key"] as? String == key)
            #expect(got["engine_version"] as? String == "september-engine:test")
            #expect(got["status"] as? String == "running")
            let list = try await client.call(.get, "/engines", platformKey: product.key)
            #expect(!list.text.contains("api_key") && !list.text.contains(key))
            #expect(try list.jsonObject()["total"] as? Int == 1)
            let audit = try await harness.store.allAudit().filter { $0.action == .provision }
            #expect(audit.count == 1 && audit.first?.actor == "bap")
        }
    }

    @Test("provision answers 409 for an existing user and 429 QUOTA_EXCEEDED at max_engines")
    func provisionConflicts() async throws {
        try await Harness.make().run { client in
            let product = try await client.register("bap", policy: #"{"max_engines":1}"#)
            #expect(try await client.call(.post, "/engines/provision", platformKey: product.key, json: #"{"user_id":"a"}"#).status == .ok)
            let again = try await client.call(.post, "/engines/provision", platformKey: product.key, json: #"{"user_id":"a"}"#)
            #expect(again.status == .conflict && again.errorCode == "ENGINE_ALREADY_EXISTS")
            let over = try await client.call(.post, "/engines/provision", platformKey: product.key, json: #"{"user_id":"b"}"#)
            #expect(over.status == .tooManyRequests && over.errorCode == "QUOTA_EXCEEDED")
            #expect(over.errorMessage == "Product at max_engines limit (1).")
        }
    }

    @Test("provision times out with 504 BOOT_TIMEOUT when the controller never reports Ready")
    func bootTimeout() async throws {
        var harness = try await Harness.make()
        harness.bootTimeout = .milliseconds(300)
        try await harness.run(controller: FakeController(hold: true)) { client in
            let product = try await client.register("bap")
            let response = try await client.call(.post, "/engines/provision", platformKey: product.key, json: #"{"user_id":"a"}"#)
            #expect(response.status == .gatewayTimeout && response.errorCode == "BOOT_TIMEOUT")
        }
    }

    @Test("a terminal ImageNotFound answers 502 IMAGE_NOT_FOUND")
    func imageNotFound() async throws {
        try await Harness.make().run(controller: FakeController(missingImages: ["september-engine:ghost"])) { client in
            let product = try await client.register("bap")
            let response = try await client.call(.post, "/engines/provision", platformKey: product.key, json: #"{"user_id":"a","engine_version":"september-engine:ghost"}"#)
            #expect(response.status == .badGateway && response.errorCode == "IMAGE_NOT_FOUND")
        }
    }

    @Test("start, stop and rotate-key keep the original's 409s and rotation changes the key")
    func lifecycleVerbs() async throws {
        let harness = try await Harness.make()
        try await harness.run { client in
            let p = try await client.register("bap")
            let first = try await client.call(.post, "/engines/provision", platformKey: p.key, json: #"{"user_id":"u"}"#).jsonObject()["api_key"] as? String
            let start = try await client.call(.post, "/engines/u/start", platformKey: p.key)
            #expect(start.status == .conflict && start.errorCode == "ENGINE_ALREADY_RUNNING")
            let stop = try await client.call(.post, "/engines/u/stop", platformKey: p.key)
            #expect(try stop.status == .ok && (stop.jsonObject()["status"] as? String) == "stopped")
            #expect(try await client.call(.post, "/engines/u/stop", platformKey: p.key).errorCode == "ENGINE_NOT_RUNNING")
            #expect(try await client.call(.post, "/engines/u/rotate-key", platformKey: p.key).errorCode == "ENGINE_NOT_RUNNING")
            let restarted = try await client.call(.post, "/engines/u/start", platformKey: p.key)
            #expect(try restarted.status == .ok && (restarted.jsonObject()["status"] as? String) == "running")
            let rotated = try await client.call(.post, "/engines/u/rotate-key", platformKey: p.key)
            #expect(rotated.status == .ok)
            let second = try rotated.jsonObject()["api_key"] as? String
            #expect(second != nil && second != first)
            #expect(try await client.call(.get, "/engines/u", platformKey: p.key).jsonObject()["api_key"] as? String == second)
            let actions = try await harness.store.allAudit().map(\.action)
            #expect(actions.contains(.stop) && actions.contains(.start) && actions.contains(.rotateKey))
        }
    }

    @Test("DELETE answers destroyed at once and the engine goes away through the controller")
    func delete() async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap")
            _ = try await client.call(.post, "/engines/provision", platformKey: p.key, json: #"{"user_id":"u"}"#)
            let response = try await client.call(.delete, "/engines/u", platformKey: p.key)
            #expect(try response.status == .ok && (response.jsonObject()["status"] as? String) == "destroyed")
            try await eventuallyTrue { try await client.call(.get, "/engines/u", platformKey: p.key).status == .notFound }
            #expect(try await client.call(.delete, "/engines/u", platformKey: p.key).errorCode == "ENGINE_NOT_FOUND")
        }
    }

    @Test("list filters by status and pages with limit/offset")
    func listFilters() async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap")
            for user in ["a", "b", "c"] { _ = try await client.call(.post, "/engines/provision", platformKey: p.key, json: #"{"user_id":"\#(user)"}"#) }
            _ = try await client.call(.post, "/engines/b/stop", platformKey: p.key)
            try await eventuallyTrue { (try await client.call(.get, "/engines?status=stopped", platformKey: p.key).jsonObject()["total"] as? Int) == 1 }
            let page = try await client.call(.get, "/engines?limit=2&offset=1", platformKey: p.key).jsonObject()
            #expect((page["engines"] as? [Any])?.count == 2 && page["total"] as? Int == 3)
            #expect(try await client.call(.get, "/engines?status=zombie", platformKey: p.key).status == .badRequest)
        }
    }
}

/// Polls until `condition` holds (5 s at most).
func eventuallyTrue(_ condition: () async throws -> Bool) async throws {
    for _ in 0..<250 {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition never became true")
}
