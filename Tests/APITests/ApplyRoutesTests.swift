import API
import DesiredState
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite("Server-side apply and fleet export")
struct ApplyRoutesTests {
    static let fleet = """
        kind: Product
        slug: shop
        display_name: Shop
        policy: {max_engines: 10}
        ---
        kind: EngineSet
        product: shop
        users: [alice, bob]
        """

    /// Runs `body` against the routes over a fresh SQLite store (real transactions, real apply).
    func withAPI(_ body: @escaping @Sendable (any TestClientProtocol, any Store) async throws -> Void) async throws {
        try await StoreFactory.withStore(.sqlite) { store in
            let app = buildApplication(store: store, configuration: Harness().configuration)
            try await app.test(.router) { client in try await body(client, store) }
        }
    }

    func apply(_ client: any TestClientProtocol, _ yaml: String, query: String = "") async throws -> TestResponse {
        try await client.call(.post, "/v1/apply" + query, admin: true, headers: ["Content-Type": "application/yaml"], body: yaml)
    }

    @Test("apply creates everything, shows the new platform key once, and is idempotent")
    func applyCreates() async throws {
        try await withAPI { client, store in
            let first = try await apply(client, Self.fleet)
            #expect(first.status == .ok)
            let object = try first.jsonObject()
            let results = object["results"] as? [[String: String]] ?? []
            #expect(results.map { $0["result"] ?? "" } == ["created", "created", "created"])
            let key = try #require((object["platform_keys"] as? [String: String])?["shop"])
            #expect(try await store.product(apiKeyHash: SecretHash.sha256Hex(key))?.slug == "shop")
            let again = try await apply(client, Self.fleet).jsonObject()
            #expect((again["results"] as? [[String: String]] ?? []).allSatisfy { $0["result"] == "unchanged" })
            #expect((again["platform_keys"] as? [String: String] ?? [:]).isEmpty)
        }
    }

    @Test("a dry run answers the outcomes and writes nothing")
    func dryRun() async throws {
        try await withAPI { client, store in
            let answer = try await apply(client, Self.fleet, query: "?dry_run=true").jsonObject()
            #expect((answer["results"] as? [Any])?.count == 3)
            #expect((answer["platform_keys"] as? [String: String] ?? [:]).isEmpty)
            #expect(try await store.listProducts().isEmpty)
        }
    }

    @Test("one bad document fails the whole apply with file, line, column and field")
    func invalidDocument() async throws {
        try await withAPI { client, store in
            let bad = Self.fleet + "\n---\nkind: Engine\nproduct: shop\nuser: carol\nstat: asleep\n"
            let response = try await apply(client, bad, query: "?file=fleet.yaml")
            #expect(response.status == .badRequest)
            let error = try response.jsonObject()["error"] as? [String: String]
            #expect(error?["code"] == "INVALID_FLEET_SPEC")
            #expect(error?["message"]?.hasPrefix("fleet.yaml:13:1: stat: unknown field") == true)
            #expect(try await store.listProducts().isEmpty)
        }
    }

    @Test("prune marks engines the file no longer lists; the export reads back as the file")
    func pruneAndExport() async throws {
        try await withAPI { client, store in
            _ = try await apply(client, Self.fleet)
            let smaller = Self.fleet.replacingOccurrences(of: "[alice, bob]", with: "[alice]")
            let results = try await apply(client, smaller, query: "?prune=true").jsonObject()["results"] as? [[String: String]] ?? []
            #expect(results.contains { $0["name"] == "shop/bob" && $0["result"] == "pruned" })
            let export = try await client.call(.get, "/v1/fleet?product=shop", admin: true)
            let live = try FleetParser.parse(String(buffer: export.body), file: "live")
            #expect(live.engines.map(\.user) == ["alice"])
            #expect(live.products.first?.policy.maxEngines == 10)
            #expect(try await client.call(.get, "/v1/fleet").status == .unauthorized)
        }
    }

    @Test("a key generation below the live one is refused")
    func keyGenerationCannotGoDown() async throws {
        try await withAPI { client, _ in
            _ = try await apply(client, Self.fleet + "\nkey_generation: 3\n")
            let response = try await apply(client, Self.fleet + "\nkey_generation: 2\n")
            #expect(response.status == .badRequest)
            #expect((try response.jsonObject()["error"] as? [String: String])?["message"]?.contains("key_generation: cannot go down") == true)
        }
    }
}

extension TestClientProtocol {
    /// A request with a raw text body.
    func call(_ method: HTTPRequest.Method, _ uri: String, admin: Bool, headers extra: [String: String], body: String) async throws -> TestResponse {
        var headers = HTTPFields()
        if admin { headers[HTTPField.Name("X-Admin-Key")!] = Harness.adminKey }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        return try await execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body))
    }
}
