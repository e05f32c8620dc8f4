import API
import DesiredState
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import TestSupport
import Testing

/// Issue #10 items 1 and 2 at the API, over the real SQLite store: only images the operator
/// allowed are written, on every path; log reads are bounded in lines, bytes and concurrency.
@Suite("Image allowlist and bounded log reads")
struct ImageAndLogLimitTests {
    static let policy = try! ImagePolicy(allowing: "registry.example.com/engines/*, september-engine:2.*")  // A valid literal.

    func harness() async throws -> Harness {
        var harness = try await Harness.make()
        harness.imagePolicy = Self.policy
        return harness
    }

    @Test("legacy provision: a path or malformed reference is 400, an unlisted image 403 IMAGE_NOT_ALLOWED and nothing is written")
    func legacyProvision() async throws {
        let harness = try await harness()
        try await harness.run { client in
            let p = try await client.register("bap", policy: #"{"template":{"image":"vendor.example.com/custom:7"}}"#)
            let other = try await client.register("other")
            func provision(_ key: String, _ user: String, _ image: String) async throws -> TestResponse {
                try await client.call(.post, "/engines/provision", platformKey: key, json: #"{"user_id":"\#(user)","engine_version":"\#(image)"}"#)
            }
            for bad in ["/usr/bin/env", "../containers/json?x", "img#1", "img%2F", "a b", "Upper/Case:1", String(repeating: "a", count: 256)] {
                let reply = try await provision(p.key, "bad", bad)
                #expect(reply.status == .badRequest && reply.errorCode == "INVALID_REQUEST" && reply.errorMessage?.contains("engine_version") == true, "\(bad): \(reply.text)")
            }
            for unlisted in ["busybox:latest", "september-engine:3.0", "evil.example.com/engines/x:1", "registry.example.com/enginesx:1"] {
                let reply = try await provision(p.key, "u", unlisted)
                #expect(reply.status == .forbidden && reply.errorCode == "IMAGE_NOT_ALLOWED", "\(unlisted): \(reply.text)")
                #expect(reply.errorMessage?.contains(unlisted) == false, "the reference is not echoed")
            }
            #expect(try await client.call(.get, "/engines/u", platformKey: p.key).status == .notFound, "nothing was written")
            #expect(try await provision(p.key, "a", "registry.example.com/engines/team/september:1").status == .ok)
            #expect(try await provision(p.key, "b", "september-engine:2.3.0").status == .ok)
            #expect(try await provision(p.key, "c", "vendor.example.com/custom:7").status == .ok, "the product's own template image")
            #expect(try await provision(other.key, "c", "vendor.example.com/custom:7").errorCode == "IMAGE_NOT_ALLOWED", "not another product's")
        }
    }

    @Test("/v1 PUT and PATCH refuse unlisted pins with 403 and malformed ones with 400; an unchanged pin passes")
    func v1Writes() async throws {
        let harness = try await harness()
        try await harness.run { client in
            let p = try await client.register("shop")
            let path = "/v1/products/shop/engines/alice"
            let created = try await client.call(.put, path, platformKey: p.key, json: #"{"spec":{"state":"asleep","image":"september-engine:2.1"}}"#)
            #expect(created.status == .created, "\(created.text)")
            let bad = try await client.call(.put, path, platformKey: p.key, json: #"{"spec":{"image":"/usr/bin/id"}}"#)
            #expect(bad.status == .badRequest && bad.errorCode == "INVALID_REQUEST")
            #expect(try await client.call(.put, path, platformKey: p.key, json: #"{"spec":{"image":"busybox"}}"#).errorCode == "IMAGE_NOT_ALLOWED")
            #expect(try await client.call(.patch, path, platformKey: p.key, json: #"{"spec":{"image":"busybox"}}"#).errorCode == "IMAGE_NOT_ALLOWED")
            #expect(try await client.call(.patch, path, platformKey: p.key, json: #"{"spec":{"image":"../x"}}"#).errorCode == "INVALID_REQUEST")
            #expect(try await client.call(.put, "/v1/products/shop/engines/bob", platformKey: p.key, json: #"{"spec":{"image":"busybox"}}"#).errorCode == "IMAGE_NOT_ALLOWED")
            #expect(try await client.call(.get, "/v1/products/shop/engines/bob", platformKey: p.key).status == .notFound)
            // A pin written before the allowlist existed stays usable for other changes.
            let productID = try #require(UUID(uuidString: p.id))
            let engine = try #require(try await harness.store.engine(productID: productID, userID: "alice"))
            _ = try await harness.store.updateSpec(engineID: engine.id, spec: EngineSpec(state: .asleep, image: "legacy:1"), expectedGeneration: nil, now: Date())
            #expect(try await client.call(.put, path, platformKey: p.key, json: #"{"spec":{"state":"awake","image":"legacy:1"}}"#).status == .ok)
            #expect(try await client.call(.patch, path, platformKey: p.key, json: #"{"spec":{"state":"asleep"}}"#).status == .ok)
            #expect(try await client.call(.patch, path, platformKey: p.key, json: #"{"spec":{"image":"september-engine:2.9"}}"#).status == .ok)
            let stored = try await harness.store.engine(id: engine.id)
            #expect(stored?.spec.image == "september-engine:2.9")
        }
    }

    @Test("fleet apply refuses an unlisted engine pin with 403 naming the engine and writes nothing; the template's image is allowed")
    func fleetApply() async throws {
        let harness = try await harness()
        try await harness.run { client in
            let yaml = { (image: String) in
                """
                kind: Product
                slug: fleet
                display_name: Fleet
                policy: {template: {image: "vendor.example.com/custom:7"}}
                ---
                kind: Engine
                product: fleet
                user: alice
                image: "\(image)"
                """
            }
            let refused = try await client.call(.post, "/v1/apply", admin: true, headers: ["Content-Type": "application/yaml"], body: yaml("busybox:1"))
            #expect(refused.status == .forbidden && refused.errorCode == "IMAGE_NOT_ALLOWED", "\(refused.text)")
            #expect(refused.errorMessage?.contains("fleet/alice") == true)
            #expect(try await harness.store.product(slug: "fleet") == nil, "all or nothing")
            let malformed = try await client.call(.post, "/v1/apply", admin: true, headers: ["Content-Type": "application/yaml"], body: yaml("/usr/bin/env"))
            #expect(malformed.status == .badRequest, "\(malformed.text)")
            let accepted = try await client.call(.post, "/v1/apply", admin: true, headers: ["Content-Type": "application/yaml"], body: yaml("vendor.example.com/custom:7"))
            #expect(accepted.status == .ok, "\(accepted.text)")
        }
    }

    @Test("logs: tail past the cap, negative or not a number is 400; the answer keeps the newest whole lines within the byte cap")
    func logCaps() async throws {
        var harness = try await Harness.make()
        harness.logLimits = APIConfiguration.LogLimits(maxTail: 100, maxBytes: 500, concurrentReadsPerProduct: 2)
        harness.engineLogs = { _, tail in (1...5000).map { "line \($0)" }.suffix(tail).joined(separator: "\n") }
        try await harness.run { client in
            let p = try await client.register("logs")
            _ = try await client.call(.put, "/v1/products/logs/engines/u", platformKey: p.key, json: #"{"spec":{}}"#)
            for tail in ["101", "-1", "0", "abc", "1.5", "99999999999999999999999"] {
                let reply = try await client.call(.get, "/v1/products/logs/engines/u/logs?tail=\(tail)", platformKey: p.key)
                #expect(reply.status == .badRequest && reply.errorCode == "INVALID_REQUEST", "tail=\(tail)")
            }
            let capped = try await client.call(.get, "/v1/products/logs/engines/u/logs?tail=100", platformKey: p.key)
            #expect(capped.status == .ok)
            #expect(capped.text.utf8.count <= 500 && capped.text.hasSuffix("line 5000") && capped.text.hasPrefix("line "))
            #expect(capped.text.split(separator: "\n").allSatisfy { $0.hasPrefix("line ") && Int($0.dropFirst(5)) != nil }, "whole lines only")
        }
    }

    @Test("logs: past the per-product concurrency limit a read is 429 with Retry-After; another product is not affected")
    func logConcurrency() async throws {
        var harness = try await Harness.make()
        harness.logLimits = APIConfiguration.LogLimits(maxTail: 100, maxBytes: 1000, concurrentReadsPerProduct: 2)
        let entered = Mutex(0)
        let open = Mutex(false)
        harness.engineLogs = { _, tail in
            guard tail == 7 else { return "quick" }
            entered.withLock { $0 += 1 }
            while !open.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
            return "slow"
        }
        try await harness.run { client in
            let a = try await client.register("a")
            let b = try await client.register("b")
            _ = try await client.call(.put, "/v1/products/a/engines/u", platformKey: a.key, json: #"{"spec":{}}"#)
            _ = try await client.call(.put, "/v1/products/b/engines/u", platformKey: b.key, json: #"{"spec":{}}"#)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask { Int(try await client.call(.get, "/v1/products/a/engines/u/logs?tail=7", platformKey: a.key).status.code) }
                }
                try await eventually(timeout: .seconds(10), "two slow reads running") { entered.withLock { $0 } == 2 }
                let third = try await client.call(.get, "/v1/products/a/engines/u/logs?tail=1", platformKey: a.key)
                #expect(third.status == .tooManyRequests && third.errorCode == "TOO_MANY_LOG_READS")
                #expect(third.headers[.retryAfter] == "1")
                #expect(try await client.call(.get, "/v1/products/b/engines/u/logs?tail=1", platformKey: b.key).status == .ok)
                open.withLock { $0 = true }
                let statuses = try await group.reduce(into: [Int]()) { $0.append($1) }
                #expect(statuses == [200, 200])
            }
            #expect(try await client.call(.get, "/v1/products/a/engines/u/logs?tail=1", platformKey: a.key).status == .ok, "slots are given back")
        }
    }
}
