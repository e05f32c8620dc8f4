import AsyncHTTPClient
import DesiredState
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import TestSupport
import Testing
@testable import API

/// Issue 10 item 5: no product can starve another. Watch caps, one shared change reader whose
/// streams end when their key is rotated or their product deleted, idle and header-read
/// timeouts, default quotas and the fleet-wide engine cap. Against a real HTTP server on both
/// stores.
@Suite("Fairness between products", .serialized)
struct FairnessTests {
    static let admin = [("X-Admin-Key", Harness.adminKey)]

    static func register(_ server: LiveServer, _ slug: String, policy: String = "{}") async throws -> (id: String, key: String) {
        let reply = try await server.call(.POST, "/products/register", headers: admin, json: #"{"slug":"\#(slug)","display_name":"\#(slug)","policy":\#(policy)}"#)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reply.text.utf8)) as? [String: Any], "\(reply.status) \(reply.text)")
        return (try #require(object["product_id"] as? String), try #require(object["platform_api_key"] as? String))
    }

    static func errorCode(_ text: String) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["error"] as? [String: Any])?["code"] as? String
    }

    @Test("watch streams are capped per product and in total: 429 WATCH_LIMIT with Retry-After; another product still watches; a closed stream frees its place", arguments: StoreKind.databases)
    func watchCaps(_ kind: StoreKind) async throws {
        try await LiveServer.run(kind, configure: { $0.maxWatchesPerProduct = 2; $0.maxWatches = 3; $0.watchHeartbeat = .milliseconds(200) }) { server in
            let a = try await Self.register(server, "fair-a"), b = try await Self.register(server, "fair-b")
            let keyA = [("X-Platform-Key", a.key)], keyB = [("X-Platform-Key", b.key)]
            let a1 = try await OpenWatch.open(server, headers: keyA), a2 = try await OpenWatch.open(server, headers: keyA)
            #expect(a1.status == 200 && a2.status == 200)
            let a3 = try await server.call(.GET, "/v1/watch", headers: keyA)
            #expect(a3.status == 429)
            #expect(Self.errorCode(a3.text) == "WATCH_LIMIT")
            #expect(a3.headers["Retry-After"].first.flatMap(Int.init).map { $0 > 0 } == true)

            // Product A holding its maximum does not keep B from watching, nor from reading.
            let b1 = try await OpenWatch.open(server, headers: keyB)
            #expect(b1.status == 200)
            #expect(try await server.call(.GET, "/engines", headers: keyB).status == 200)
            // The server-wide cap (3) is reached now: B's second stream and the admin's are refused.
            let b2 = try await server.call(.GET, "/v1/watch", headers: keyB)
            #expect(b2.status == 429 && Self.errorCode(b2.text) == "WATCH_LIMIT")
            #expect(try await server.call(.GET, "/v1/watch", headers: Self.admin).status == 429)

            // Closing one of A's streams gives its place back (the heartbeat finds the closed socket).
            await a1.close()
            var reopened: OpenWatch?
            try await eventually(timeout: .seconds(20), "a place freed after a stream closed") {
                if let open = try? await OpenWatch.open(server, headers: keyA), open.status == 200 { reopened = open; return true }
                return false
            }
            // The live streams were fed meanwhile: an engine of A shows up on A's streams only.
            #expect(try await server.call(.PUT, "/v1/products/fair-a/engines/alice", headers: keyA, json: #"{"spec":{"state":"awake"}}"#).status == 201)
            try await eventually(timeout: .seconds(20), "A's open stream saw alice") { a2.text.contains("\"alice\"") }
            #expect(!b1.text.contains("\"alice\""))
            for open in [a2, b1, reopened].compactMap({ $0 }) { await open.close() }
        }
    }

    @Test("a watch stream ends when its platform key is rotated, and when its product is deleted", arguments: StoreKind.databases)
    func streamsEndOnRotationAndDeletion(_ kind: StoreKind) async throws {
        try await LiveServer.run(kind, configure: { $0.watchHeartbeat = .milliseconds(200) }) { server in
            let a = try await Self.register(server, "fair-rot")
            let byKey = try await OpenWatch.open(server, headers: [("X-Platform-Key", a.key)])
            let byAdmin = try await OpenWatch.open(server, "?product=fair-rot", headers: Self.admin)
            #expect(byKey.status == 200 && byAdmin.status == 200)

            let rotated = try await server.call(.POST, "/v1/products/fair-rot/rotate-platform-key", headers: Self.admin)
            #expect(rotated.status == 200, "\(rotated.text)")
            try await eventually(timeout: .seconds(20), "the key's stream ended") { byKey.hasEnded }
            #expect(byKey.text.contains("event: end") && byKey.text.contains("platform_key_rotated"))
            #expect(!byAdmin.hasEnded, "an admin stream does not stand on the platform key")

            #expect(try await server.call(.DELETE, "/v1/products/fair-rot", headers: Self.admin).status == 202)
            try await eventually(timeout: .seconds(20), "the product's stream ended") { byAdmin.hasEnded }
            #expect(byAdmin.text.contains("product_deleted"))
        }
    }

    @Test("a key rotated on another replica ends this replica's stream (the hub re-reads followed products)", arguments: StoreKind.databases)
    func rotationElsewhereEndsStream(_ kind: StoreKind) async throws {
        try await LiveServer.run(kind, configure: { $0.watchHeartbeat = .milliseconds(200); $0.watchProductCheck = .milliseconds(300) }) { server in
            let a = try await Self.register(server, "fair-remote")
            let open = try await OpenWatch.open(server, headers: [("X-Platform-Key", a.key)])
            #expect(open.status == 200)
            // Straight to the store, as another replica's API would.
            _ = try await server.store.rotatePlatformKey(productID: try #require(UUID(uuidString: a.id)), newHash: String(repeating: "ab", count: 32))
            try await eventually(timeout: .seconds(20), "the stream ended") { open.hasEnded }
            #expect(open.text.contains("platform_key_rotated"))
        }
    }

    @Test("a stream that falls its buffer behind is cut with a resync reason instead of buffering without bound")
    func slowSubscriberIsCut() async throws {
        let subscription = WatchSubscription(id: 1, productID: nil, keyHash: nil, buffer: 3) { _ in }
        for _ in 0..<3 { subscription.send(.heartbeat) }
        #expect(subscription.endReason == nil)
        subscription.send(.heartbeat)
        #expect(subscription.endReason == .slowConsumer)
        var delivered = 0
        for await _ in subscription.events { delivered += 1 }
        #expect(delivered == 3, "what was buffered is still delivered, then the stream ends")
    }

    @Test("idle connections and unfinished request heads are closed; a live watch stream stays open past the idle timeout", arguments: [StoreKind.sqlite])
    func idleAndHeaderTimeouts(_ kind: StoreKind) async throws {
        try await LiveServer.run(kind, idleTimeout: .seconds(1), configure: { $0.watchHeartbeat = .milliseconds(300) }) { server in
            let a = try await Self.register(server, "fair-idle")
            let idle = try RawSocket(port: server.port)
            let partial = try RawSocket(port: server.port)
            try partial.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            let watch = try await OpenWatch.open(server, headers: [("X-Platform-Key", a.key)])
            #expect(watch.status == 200)
            try await eventually(timeout: .seconds(20), "the idle socket was closed by the server") { idle.isClosedByPeer() }
            try await eventually(timeout: .seconds(20), "the half-sent request was closed by the server") { partial.isClosedByPeer() }
            // Three idle timeouts later the stream is still open and beating.
            try await Task.sleep(for: .seconds(3))
            #expect(!watch.hasEnded)
            #expect(watch.text.contains(": heartbeat"))
            await watch.close()
        }
    }

    @Test("defaults for products without a policy: ORCH_DEFAULT_MAX_ENGINES and ORCH_DEFAULT_RATE_LIMIT_RPM; a policy overrides them; ORCH_MAX_ENGINES caps the fleet", arguments: StoreKind.databases)
    func defaultQuotas(_ kind: StoreKind) async throws {
        try await LiveServer.run(kind, configure: { $0.quota = EngineQuota(defaultMaxEngines: 1, defaultRateLimitRPM: 2, maxEngines: 3) }) { server in
            let plain = try await Self.register(server, "fair-plain")
            let roomy = try await Self.register(server, "fair-roomy", policy: #"{"max_engines":5,"rate_limit_rpm":100}"#)
            let p = [("X-Platform-Key", plain.key)], r = [("X-Platform-Key", roomy.key)]

            #expect(try await server.call(.POST, "/engines/provision", headers: p, json: #"{"user_id":"u1"}"#).status == 200)
            let second = try await server.call(.POST, "/engines/provision", headers: p, json: #"{"user_id":"u2"}"#)
            #expect(second.status == 429 && Self.errorCode(second.text) == "QUOTA_EXCEEDED", "\(second.text)")

            // Default rate limit: 2 admits a minute for the product without a policy.
            for _ in 0..<2 { #expect(try await server.call(.POST, "/engines/u1/admit", headers: p, json: "{}").status == 200) }
            let limited = try await server.call(.POST, "/engines/u1/admit", headers: p, json: "{}")
            #expect(limited.status == 429 && Self.errorCode(limited.text) == "RATE_LIMITED")
            #expect(limited.headers["Retry-After"].first != nil)

            // The policy wins over the defaults, but the fleet cap (3) holds for everyone.
            for user in ["r1", "r2"] {
                #expect(try await server.call(.POST, "/engines/provision", headers: r, json: #"{"user_id":"\#(user)"}"#).status == 200)
            }
            for _ in 0..<3 { #expect(try await server.call(.POST, "/engines/r1/admit", headers: r, json: "{}").status == 200) }
            let fleetFull = try await server.call(.PUT, "/v1/products/fair-roomy/engines/r3", headers: r, json: #"{"spec":{"state":"awake"}}"#)
            #expect(fleetFull.status == 429 && Self.errorCode(fleetFull.text) == "QUOTA_EXCEEDED", "\(fleetFull.text)")
        }
    }
}
