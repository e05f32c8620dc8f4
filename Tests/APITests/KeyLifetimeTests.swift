import API
import DesiredState
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #10 item 4: a revoked or destroyed engine key never opens an engine again.
@Suite("Engine keys never come back")
struct KeyLifetimeTests {
    @Test("destroying a user's engine and provisioning the same user again gives a different key")
    func reprovisionGetsNewKey() async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap")
            let first = try await client.call(.post, "/engines/provision", platformKey: p.key, json: #"{"user_id":"alice"}"#)
            let oldKey = try #require(try first.jsonObject()["api_key"] as? String)
            _ = try await client.call(.delete, "/engines/alice", platformKey: p.key)
            try await eventuallyTrue { try await client.call(.get, "/engines/alice", platformKey: p.key).status == .notFound }
            let second = try await client.call(.post, "/engines/provision", platformKey: p.key, json: #"{"user_id":"alice"}"#)
            #expect(second.status == .ok, "\(second.text)")
            let newKey = try #require(try second.jsonObject()["api_key"] as? String)
            #expect(newKey != oldKey, "the same user's next engine must not accept the destroyed engine's key")
        }
    }

    @Test("PATCH key_generation lower than the live one is 400 INVALID_REQUEST naming the field; the generation stays")
    func patchCannotLower() async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap")
            _ = try await client.call(.put, "/v1/products/bap/engines/u", platformKey: p.key, json: #"{"spec":{"key_generation":3}}"#)
            let lowered = try await client.call(.patch, "/v1/products/bap/engines/u", platformKey: p.key, json: #"{"spec":{"key_generation":1}}"#)
            #expect(lowered.status == .badRequest)
            #expect(lowered.errorCode == "INVALID_REQUEST")
            #expect(lowered.errorMessage?.contains("key_generation") == true, "\(lowered.text)")
            let now = try await client.call(.get, "/v1/products/bap/engines/u", platformKey: p.key).jsonObject()
            #expect((now["spec"] as? [String: Any])?["key_generation"] as? Int == 3)
            // A lower value through PUT is refused by the same rule.
            let put = try await client.call(.put, "/v1/products/bap/engines/u", admin: true, json: #"{"spec":{"key_generation":2}}"#)
            #expect(put.status == .badRequest && put.errorCode == "INVALID_REQUEST")
            // Raising it is a rotation and works.
            let raised = try await client.call(.patch, "/v1/products/bap/engines/u", platformKey: p.key, json: #"{"spec":{"key_generation":4}}"#)
            #expect(try raised.status == .ok && (raised.jsonObject()["spec"] as? [String: Any])?["key_generation"] as? Int == 4)
        }
    }

    @Test("PUT without key_generation keeps the live value instead of resetting it to 1")
    func putKeepsGeneration() async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap")
            _ = try await client.call(.put, "/v1/products/bap/engines/u", platformKey: p.key, json: #"{"spec":{}}"#)
            _ = try await client.call(.patch, "/v1/products/bap/engines/u", platformKey: p.key, json: #"{"spec":{"key_generation":2}}"#)
            let rotated = try await client.call(.get, "/v1/products/bap/engines/u", platformKey: p.key).jsonObject()
            #expect((rotated["spec"] as? [String: Any])?["key_generation"] as? Int == 2)
            let put = try await client.call(.put, "/v1/products/bap/engines/u", platformKey: p.key, json: #"{"spec":{"state":"asleep"}}"#)
            #expect(put.status == .ok, "\(put.text)")
            let spec = try put.jsonObject()["spec"] as? [String: Any]
            #expect(spec?["key_generation"] as? Int == 2 && spec?["state"] as? String == "asleep")
        }
    }
}
