import API
import DesiredState
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Declarative /v1 engines and products")
struct V1EngineTests {
    @Test("PUT creates (201) then replaces (200); GET shows spec, status, generation and observed_generation")
    func putAndGet() async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap")
            let created = try await client.call(.put, "/v1/products/bap/engines/u", platformKey: p.key, json: #"{"spec":{"state":"awake"}}"#)
            #expect(created.status == .created && created.headers[.eTag] == "\"1\"")
            try await eventuallyTrue {
                let body = try await client.call(.get, "/v1/products/\(p.id)/engines/u", platformKey: p.key).jsonObject()
                return body["observed_generation"] as? Int == 1 && (body["status"] as? [String: Any])?["phase"] as? String == "running"
            }
            let replaced = try await client.call(.put, "/v1/products/bap/engines/u", admin: true, json: #"{"spec":{"state":"asleep"}}"#)
            #expect(try replaced.status == .ok && replaced.jsonObject()["generation"] as? Int == 2)
            #expect(!replaced.text.contains("api_key"))
        }
    }

    @Test("If-Match on a stale generation is 409 GENERATION_CONFLICT; on the current one it applies")
    func optimisticConcurrency() async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap")
            _ = try await client.call(.put, "/v1/products/bap/engines/u", platformKey: p.key, json: #"{"spec":{}}"#)
            let stale = try await client.call(.patch, "/v1/products/bap/engines/u", platformKey: p.key, headers: ["If-Match": "7"], json: #"{"spec":{"state":"stopped"}}"#)
            #expect(stale.status == .conflict && stale.errorCode == "GENERATION_CONFLICT")
            let fresh = try await client.call(.patch, "/v1/products/bap/engines/u", platformKey: p.key, headers: ["If-Match": "\"1\""], json: #"{"spec":{"state":"stopped"}}"#)
            #expect(try fresh.status == .ok && (fresh.jsonObject()["spec"] as? [String: Any])?["state"] as? String == "stopped")
            #expect(try await client.call(.put, "/v1/products/bap/engines/new", platformKey: p.key, headers: ["If-Match": "1"], json: #"{"spec":{}}"#).status == .conflict)
        }
    }

    @Test("sleep and wake are desired-state writes; wake?wait=true waits for Ready; DELETE is 202")
    func sleepWakeDelete() async throws {
        let harness = try await Harness.make()
        try await harness.run { client in
            let p = try await client.register("bap")
            _ = try await client.call(.put, "/v1/products/bap/engines/u", platformKey: p.key, json: #"{"spec":{}}"#)
            let slept = try await client.call(.post, "/v1/products/bap/engines/u/sleep", platformKey: p.key)
            #expect(try (slept.jsonObject()["spec"] as? [String: Any])?["state"] as? String == "asleep")
            let woke = try await client.call(.post, "/v1/products/bap/engines/u/wake?wait=true", platformKey: p.key)
            #expect(try woke.status == .ok && (woke.jsonObject()["status"] as? [String: Any])?["phase"] as? String == "running")
            let deleted = try await client.call(.delete, "/v1/products/bap/engines/u", platformKey: p.key)
            #expect(try deleted.status == .accepted && deleted.jsonObject()["deletion_requested_at"] is String)
            let list = try await client.call(.get, "/v1/products/bap/engines", platformKey: p.key)
            #expect(list.status == .ok)
            let actions = try await harness.store.allAudit().map(\.action)
            #expect(actions.contains(.sleep) && actions.contains(.wake) && actions.contains(.destroy))
        }
    }

    @Test("products: read with engine counts, platform-key rotation invalidates the old key, delete is admin-only")
    func products() async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap")
            let product = try await client.call(.get, "/v1/products/bap", platformKey: p.key).jsonObject()
            #expect(product["slug"] as? String == "bap" && product["api_key_hash"] == nil)
            let rotated = try await client.call(.post, "/v1/products/bap/rotate-platform-key", platformKey: p.key).jsonObject()
            let newKey = try #require(rotated["platform_api_key"] as? String)
            #expect(try await client.call(.get, "/engines", platformKey: p.key).errorCode == "INVALID_PLATFORM_KEY")
            #expect(try await client.call(.get, "/engines", platformKey: newKey).status == .ok)
            #expect(try await client.call(.delete, "/v1/products/bap", platformKey: newKey).errorCode == "INVALID_ADMIN_KEY")
            let deleted = try await client.call(.delete, "/v1/products/bap", admin: true)
            #expect(deleted.status == .accepted)
            #expect(try await client.call(.get, "/engines", platformKey: newKey).status == .unauthorized)
        }
    }

    @Test("audit query filters by user, action and since, scoped to the caller")
    func auditQuery() async throws {
        let harness = try await Harness.make()
        try await harness.run { client in
            let p = try await client.register("bap")
            _ = try await client.call(.put, "/v1/products/bap/engines/a", platformKey: p.key, json: #"{"spec":{}}"#)
            _ = try await client.call(.put, "/v1/products/bap/engines/b", platformKey: p.key, json: #"{"spec":{}}"#)
            _ = try await client.call(.post, "/v1/products/bap/engines/a/sleep", platformKey: p.key)
            let forA = try await client.call(.get, "/v1/audit?user=a", platformKey: p.key).jsonObject()["entries"] as? [[String: Any]] ?? []
            #expect(forA.count == 2 && forA.allSatisfy { $0["user_id"] as? String == "a" })
            let sleeps = try await client.call(.get, "/v1/audit?action=sleep", platformKey: p.key).jsonObject()["entries"] as? [[String: Any]] ?? []
            #expect(sleeps.count == 1 && sleeps.first?["actor"] as? String == "bap")
            let future = try await client.call(.get, "/v1/audit?since=2100-01-01T00:00:00Z", platformKey: p.key).jsonObject()["entries"] as? [Any] ?? [1]
            #expect(future.isEmpty)
        }
    }
}
