import API
import DesiredState
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Bad input is a 4xx envelope naming the problem, never a 5xx, never a key")
struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var json: String?
        var status: Int
        var code: String
        var mentions: String?
        var description: String { "\(method) \(path) \(json ?? "")" }
    }

    static let cases: [Case] = [
        Case(method: .post, path: "/engines/provision", json: "{not json", status: 400, code: "INVALID_REQUEST", mentions: "JSON"),
        Case(method: .post, path: "/engines/provision", json: "", status: 400, code: "INVALID_REQUEST", mentions: "body"),
        Case(method: .post, path: "/engines/provision", json: "{}", status: 400, code: "INVALID_REQUEST", mentions: "user_id"),
        Case(method: .post, path: "/engines/provision", json: #"{"user_id":42}"#, status: 400, code: "INVALID_REQUEST", mentions: "user_id"),
        Case(method: .post, path: "/engines/provision", json: #"{"user_id":""}"#, status: 400, code: "INVALID_REQUEST", mentions: "user_id"),
        Case(method: .post, path: "/engines/provision", json: #"{"user_id":"a\u0007b"}"#, status: 400, code: "INVALID_REQUEST", mentions: "control"),
        Case(method: .post, path: "/engines/provision", json: "{\"user_id\":\"\(String(repeating: "x", count: 300))\"}", status: 400, code: "INVALID_REQUEST", mentions: "user_id"),
        Case(method: .post, path: "/engines/provision", json: #"{"user_id":"a","colour":"red"}"#, status: 400, code: "INVALID_REQUEST", mentions: "colour"),
        Case(method: .post, path: "/engines/provision", json: #"{"user_id":"a","engine_version":"has space"}"#, status: 400, code: "INVALID_REQUEST", mentions: "engine_version"),
        Case(method: .post, path: "/engines/provision", json: #"["user_id"]"#, status: 400, code: "INVALID_REQUEST", mentions: nil),
        Case(method: .post, path: "/engines/provision", json: #"{"user_id":null}"#, status: 400, code: "INVALID_REQUEST", mentions: "user_id"),
        Case(method: .post, path: "/engines/u/admit", json: #"{"auto_wake":"yes"}"#, status: 400, code: "INVALID_REQUEST", mentions: "auto_wake"),
        Case(method: .post, path: "/engines/u/admit", json: #"{"auto_sleep":true}"#, status: 400, code: "INVALID_REQUEST", mentions: "auto_sleep"),
        Case(method: .post, path: "/engines/u/admit?wait=maybe", json: nil, status: 400, code: "INVALID_REQUEST", mentions: "wait"),
        Case(method: .get, path: "/engines/a%07b", json: nil, status: 400, code: "INVALID_REQUEST", mentions: "control"),
        Case(method: .get, path: "/engines?limit=0", json: nil, status: 400, code: "INVALID_REQUEST", mentions: "limit"),
        Case(method: .get, path: "/engines?offset=-1", json: nil, status: 400, code: "INVALID_REQUEST", mentions: "offset"),
        Case(method: .get, path: "/engines/nobody", json: nil, status: 404, code: "ENGINE_NOT_FOUND", mentions: nil),
        Case(method: .get, path: "/no/such/route", json: nil, status: 404, code: "NOT_FOUND", mentions: nil),
        Case(method: .put, path: "/v1/products/bap/engines/u", json: #"{"spec":{"state":"dreaming"}}"#, status: 400, code: "INVALID_REQUEST", mentions: "state"),
        Case(method: .put, path: "/v1/products/bap/engines/u", json: #"{"spec":{"key_generation":0}}"#, status: 400, code: "INVALID_REQUEST", mentions: "key_generation"),
        Case(method: .put, path: "/v1/products/bap/engines/u", json: #"{"state":"awake"}"#, status: 400, code: "INVALID_REQUEST", mentions: "state"),
        Case(method: .patch, path: "/v1/products/bap/engines/u", json: #"{"spec":{"colour":1}}"#, status: 400, code: "INVALID_REQUEST", mentions: "colour"),
        Case(method: .get, path: "/v1/audit?since=yesterday", json: nil, status: 400, code: "INVALID_REQUEST", mentions: "since"),
        Case(method: .get, path: "/v1/watch?since=-4", json: nil, status: 400, code: "INVALID_REQUEST", mentions: "since"),
    ]

    @Test("bad requests with a valid platform key", arguments: cases)
    func badRequest(_ c: Case) async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap")
            _ = try await client.call(.put, "/v1/products/bap/engines/u", platformKey: p.key, json: #"{"spec":{}}"#)
            let response = try await client.call(c.method, c.path, platformKey: p.key, json: c.json)
            #expect(response.status.code == c.status, "\(response.text)")
            #expect(response.errorCode == c.code)
            if let mentions = c.mentions { #expect(response.errorMessage?.contains(mentions) == true, "\(response.text)") }
            #expect(!response.text.contains(p.key) && !response.text.contains(Harness.adminKey))
        }
    }

    @Test("bodies over the limit are 413 PAYLOAD_TOO_LARGE")
    func tooLarge() async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap")
            let big = "{\"user_id\":\"\(String(repeating: "x", count: 70_000))\"}"
            let response = try await client.call(.post, "/engines/provision", platformKey: p.key, json: big)
            #expect(response.status == .contentTooLarge && response.errorCode == "PAYLOAD_TOO_LARGE")
        }
    }

    @Test("missing or wrong keys are 401 with the original's codes and never echo the key")
    func wrongKeys() async throws {
        try await Harness.make().run { client in
            let missing = try await client.call(.get, "/engines")
            #expect(missing.status == .unauthorized && missing.errorCode == "INVALID_PLATFORM_KEY")
            let wrong = try await client.call(.get, "/engines", platformKey: "pk-sept-guess")
            #expect(wrong.status == .unauthorized && !wrong.text.contains("pk-sept-guess"))
            let admin = try await client.call(.post, "/products/register", headers: ["X-Admin-Key": "nope-nope"], json: #"{"slug":"x","display_name":"X"}"#)
            #expect(admin.status == .unauthorized && admin.errorCode == "INVALID_ADMIN_KEY" && !admin.text.contains("nope-nope"))
            #expect(try await client.call(.get, "/health").status == .ok)
        }
    }

    @Test("products: bad register bodies, duplicate slug, unknown product for policy replace")
    func productErrors() async throws {
        try await Harness.make().run { client in
            #expect(try await client.call(.post, "/products/register", admin: true, json: #"{"slug":"Bad Slug","display_name":"x"}"#).errorCode == "INVALID_REQUEST")
            let typo = try await client.call(.post, "/products/register", admin: true, json: #"{"slug":"a","display_name":"A","policy":{"max_engine":3}}"#)
            #expect(typo.status == .badRequest && typo.errorMessage?.contains("max_engine") == true)
            _ = try await client.register("bap")
            #expect(try await client.call(.post, "/products/register", admin: true, json: #"{"slug":"bap","display_name":"again"}"#).errorCode == "PRODUCT_SLUG_EXISTS")
            let missing = try await client.call(.put, "/products/\(UUID().uuidString)/policy", admin: true, json: #"{"policy":{}}"#)
            #expect(missing.status == .notFound && missing.errorCode == "PRODUCT_NOT_FOUND")
            let replaced = try await client.call(.put, "/products/bap/policy", admin: true, json: #"{"policy":{"max_engines":5}}"#)
            #expect(try replaced.status == .ok && ((replaced.jsonObject()["policy"] as? [String: Any])?["max_engines"] as? Int) == 5)
        }
    }
}
