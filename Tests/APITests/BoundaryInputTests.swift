import API
import DesiredState
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #10 item 9 at the API: invisible user ids refused everywhere, template env values
/// hidden from product keys, a watch behind the retained change log told to resync.
@Suite("Tenant boundary: inputs and outputs")
struct BoundaryInputTests {
    /// JSON-escaped forms of ids that must be refused (whitespace only, bidi, zero-width, separators).
    static let badIDs = [#"   "#, #"\t "#, #"a\u202Eb"#, #"a\u2066b"#, #"a\u200Eb"#, #"a\u200Bb"#, #"a\uFEFFb"#, #"a\u2060b"#, #"a\u2028b"#, #"a\u2029b"#]

    @Test("ids of only whitespace or with bidi, zero-width or separator characters are 400 on provision, /v1 PUT, admit and fleet apply")
    func invisibleUserIDs() async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap")
            for id in Self.badIDs {
                let provision = try await client.call(.post, "/engines/provision", platformKey: p.key, json: #"{"user_id":"\#(id)"}"#)
                #expect(provision.status == .badRequest && provision.errorCode == "INVALID_REQUEST", "provision \(id): \(provision.text)")
                let decoded = try #require(try JSONSerialization.jsonObject(with: Data(#"["\#(id)"]"#.utf8)) as? [String])[0]
                let path = decoded.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let put = try await client.call(.put, "/v1/products/bap/engines/\(path)", platformKey: p.key, json: #"{"spec":{}}"#)
                #expect(put.status == .badRequest, "PUT \(id): \(put.text)")
                let admit = try await client.call(.post, "/engines/\(path)/admit", platformKey: p.key, json: #"{"auto_provision":true}"#)
                #expect(admit.status == .badRequest, "admit \(id): \(admit.text)")
                let fleet = "kind: Engine\nproduct: bap\nuser: \"\(id)\"\n"  // JSON escapes are YAML double-quoted escapes.
                let apply = try await client.call(.post, "/v1/apply", admin: true, headers: ["Content-Type": "application/yaml"], body: fleet)
                #expect(apply.status.code >= 400 && apply.status.code < 500, "apply \(id): \(apply.text)")
            }
            #expect(try await client.call(.get, "/engines", platformKey: p.key).jsonObject()["total"] as? Int == 0)
        }
    }

    @Test("template env values are shown to the admin and redacted to names for the product's own key")
    func templateEnvRedacted() async throws {
        try await Harness.make().run { client in
            let p = try await client.register("bap", policy: #"{"template":{"env":{"VENDOR_TOKEN":"tok-canary-7d1f"}}}"#)
            for path in ["/v1/products/bap", "/v1/products"] {
                let own = try await client.call(.get, path, platformKey: p.key)
                #expect(own.status == .ok)
                #expect(!own.text.contains("tok-canary-7d1f"), "\(path) showed a template env value to a product key")
                #expect(own.text.contains("VENDOR_TOKEN"))
                let admin = try await client.call(.get, path, admin: true)
                #expect(admin.text.contains("tok-canary-7d1f"))
            }
        }
    }

    @Test("a watch resuming from before the retained change log is 410 RESYNC_REQUIRED; from inside it, it streams")
    func watchBehindRetention() async throws {
        let harness = try await Harness.make()
        try await harness.run { client in
            let p = try await client.register("bap")
            for n in 0..<6 { _ = try await client.call(.put, "/v1/products/bap/engines/u\(n)", platformKey: p.key, json: #"{"spec":{}}"#) }
            let retention = try #require(harness.store as? any StoreRetention)
            let through = try await retention.compactChanges(keepingLast: 2)
            #expect(through > 0)
            let gone = try await client.call(.get, "/v1/watch?since=0&timeout=1", platformKey: p.key)
            #expect(gone.status == .gone && gone.errorCode == "RESYNC_REQUIRED", "\(gone.text)")
            let header = try await client.call(.get, "/v1/watch?timeout=1", platformKey: p.key, headers: ["Last-Event-ID": "1"])
            #expect(header.status == .gone)
            let current = try await harness.store.currentRevision()
            let fine = try await client.call(.get, "/v1/watch?timeout=1&since=\(current - 1)", platformKey: p.key)
            #expect(fine.status == .ok)
            let fresh = try await client.call(.get, "/v1/watch?timeout=1", platformKey: p.key)
            #expect(fresh.status == .ok && fresh.text.contains("event: engine"))
        }
    }
}
