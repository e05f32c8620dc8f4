import API
import DesiredState
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("A product's key never reaches another product's engines")
struct IsolationTests {
    @Test("every engine and product endpoint answers 404 for another product's resources")
    func everyEndpoint() async throws {
        let harness = try await Harness.make()
        try await harness.run { client in
            let a = try await client.register("alpha")
            let b = try await client.register("beta")
            _ = try await client.call(.post, "/engines/provision", platformKey: a.key, json: #"{"user_id":"u"}"#)
            let legacy: [(HTTPRequest.Method, String)] = [
                (.get, "/engines/u"), (.delete, "/engines/u"), (.post, "/engines/u/start"), (.post, "/engines/u/stop"),
                (.post, "/engines/u/rotate-key"),
            ]
            for (method, path) in legacy {
                let response = try await client.call(method, path, platformKey: b.key)
                #expect(response.status == .notFound && response.errorCode == "ENGINE_NOT_FOUND", "\(method) \(path)")
            }
            let admit = try await client.call(.post, "/engines/u/admit", platformKey: b.key).jsonObject()
            #expect(admit["reason"] as? String == "engine_not_found")
            #expect(try await client.call(.get, "/engines", platformKey: b.key).jsonObject()["total"] as? Int == 0)
            let v1: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/v1/products/alpha", nil), (.get, "/v1/products/\(a.id)", nil), (.get, "/v1/products/alpha/engines", nil),
                (.get, "/v1/products/alpha/engines/u", nil), (.put, "/v1/products/alpha/engines/u", #"{"spec":{}}"#),
                (.patch, "/v1/products/alpha/engines/u", #"{"spec":{}}"#), (.delete, "/v1/products/alpha/engines/u", nil),
                (.post, "/v1/products/alpha/engines/u/sleep", nil), (.post, "/v1/products/alpha/engines/u/wake", nil),
                (.post, "/v1/products/alpha/rotate-platform-key", nil), (.get, "/v1/watch?product=alpha&timeout=1", nil),
            ]
            for (method, path, json) in v1 {
                let response = try await client.call(method, path, platformKey: b.key, json: json)
                let expected = path.hasPrefix("/v1/watch") ? 200 : 404
                #expect(response.status.code == expected, "\(method) \(path): \(response.text)")
                #expect(!response.text.contains("\"user_id\":\"u\""), "\(method) \(path)")
            }
            // B sees only its own rows (its denied admit), never alpha's provision.
            let audit = try await client.call(.get, "/v1/audit", platformKey: b.key).jsonObject()["entries"] as? [[String: Any]] ?? []
            #expect(!audit.isEmpty && audit.allSatisfy { $0["product_id"] as? String == b.id })
            #expect(try await client.call(.get, "/status", platformKey: b.key).jsonObject()["total"] as? Int == 0)
            #expect(try await client.call(.get, "/engines/u", platformKey: a.key).status == .ok)
        }
    }

    @Test("no key appears in audit rows, list responses or error messages")
    func keysNeverLeak() async throws {
        let harness = try await Harness.make()
        let ledger = LeakLedger()
        try await harness.run { client in
            let p = try await client.register("bap")
            let engineKey = try await client.call(.post, "/engines/provision", platformKey: p.key, json: #"{"user_id":"u"}"#).jsonObject()["api_key"] as? String ?? ""
            let rotated = try await client.call(.post, "/engines/u/rotate-key", platformKey: p.key).jsonObject()["api_key"] as? String ?? ""
            let platform = try await client.call(.post, "/v1/products/bap/rotate-platform-key", admin: true).jsonObject()["platform_api_key"] as? String ?? ""
            _ = try await client.call(.post, "/engines/u/stop", platformKey: platform)
            let views = [
                try await client.call(.get, "/engines", platformKey: platform).text,
                try await client.call(.get, "/v1/products/bap/engines", platformKey: platform).text,
                try await client.call(.get, "/v1/audit", admin: true).text,
                try await client.call(.get, "/engines/u", platformKey: p.key).text,
                try await client.call(.post, "/engines/u/stop", platformKey: platform).text,
                try await client.call(.get, "/v1/watch?timeout=1", admin: true).text,
            ]
            await ledger.add(secrets: [p.key, engineKey, rotated, platform], views: views)
            await ledger.add(secrets: [], views: try await harness.store.allAudit().map { "\($0)" })
        }
        let audit: [String] = []
        let everything = (audit + (await ledger.views)).joined(separator: "\n")
        let secrets = (await ledger.secrets) + [Harness.adminKey, Harness.masterKey]
        #expect(secrets.count == 6 && secrets.allSatisfy { !$0.isEmpty })
        for secret in secrets { #expect(!everything.contains(secret)) }
        #expect(!everything.contains("sk-sept-") && !everything.contains("pk-sept-"))
    }
}

/// Collects secrets and response texts out of the `@Sendable` test closure.
actor LeakLedger {
    var secrets: [String] = []
    var views: [String] = []
    func add(secrets: [String], views: [String]) {
        self.secrets += secrets
        self.views += views
    }
}
