import API
import DesiredState
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Watch stream, /status, /metrics, /ready")
struct WatchAndFleetTests {
    @Test("watch sends a snapshot, then changes with revisions, and resumes after Last-Event-ID")
    func watchResumes() async throws {
        var harness = try await Harness.make()
        harness.heartbeat = .milliseconds(200)
        // No fake controller: its status writes for "a" could land after the snapshot and
        // show up in the resumed stream, which this test says holds only "b".
        try await harness.run(controller: nil) { client in
            let p = try await client.register("bap")
            _ = try await client.call(.put, "/v1/products/bap/engines/a", platformKey: p.key, json: #"{"spec":{}}"#)
            let snapshot = try await client.call(.get, "/v1/watch?timeout=2", platformKey: p.key)
            #expect(snapshot.headers[.contentType] == "text/event-stream")
            #expect(snapshot.text.contains("event: engine") && snapshot.text.contains("\"user_id\":\"a\""))
            #expect(snapshot.text.contains(": heartbeat"))
            let ids = snapshot.text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { Int64($0.dropFirst(4)) }
            let last = try #require(ids.max())
            _ = try await client.call(.put, "/v1/products/bap/engines/b", platformKey: p.key, json: #"{"spec":{}}"#)
            let resumed = try await client.call(.get, "/v1/watch?timeout=1", platformKey: p.key, headers: ["Last-Event-ID": String(last)])
            #expect(resumed.text.contains("\"user_id\":\"b\"") && !resumed.text.contains("\"user_id\":\"a\""))
            let resumedIDs = resumed.text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { Int64($0.dropFirst(4)) }
            #expect(resumedIDs.allSatisfy { $0 > last } && resumedIDs == resumedIDs.sorted())
        }
    }

    @Test("watch with a platform key sees only its product; the admin key sees the fleet")
    func watchScope() async throws {
        try await Harness.make().run { client in
            let a = try await client.register("alpha")
            let b = try await client.register("beta")
            _ = try await client.call(.put, "/v1/products/alpha/engines/ua", platformKey: a.key, json: #"{"spec":{}}"#)
            _ = try await client.call(.put, "/v1/products/beta/engines/ub", platformKey: b.key, json: #"{"spec":{}}"#)
            let onlyB = try await client.call(.get, "/v1/watch?since=0&timeout=1", platformKey: b.key).text
            #expect(onlyB.contains("\"ub\"") && !onlyB.contains("\"ua\""))
            let fleet = try await client.call(.get, "/v1/watch?since=0&timeout=1", admin: true).text
            #expect(fleet.contains("\"ub\"") && fleet.contains("\"ua\""))
        }
    }

    @Test("/status counts by status with health; /metrics is JSON with a key and Prometheus text without")
    func statusAndMetrics() async throws {
        let harness = try await Harness.make()
        try await harness.run { client in
            let p = try await client.register("bap")
            _ = try await client.call(.post, "/engines/provision", platformKey: p.key, json: #"{"user_id":"u"}"#)
            _ = try await client.call(.post, "/engines/u/admit", platformKey: p.key)
            let status = try await client.call(.get, "/status", platformKey: p.key).jsonObject()
            #expect(status["total"] as? Int == 1 && status["health"] as? String == "ok" && status["unhealthy_count"] as? Int == 0)
            #expect((status["by_status"] as? [String: Int])?["running"] == 1)
            #expect((status["restart_breaker"] as? [String: Any])?["open"] as? Bool == false)
            // The controller's leader records breaker transitions; /status shows the last one.
            try await harness.store.appendAudit([AuditEntry(timestamp: Date(), action: .restartBreaker, metadata: ["state": "open", "failing": "9", "tracked": "10"])])
            let held = try await client.call(.get, "/status", admin: true).jsonObject()["restart_breaker"] as? [String: Any]
            #expect(held?["open"] as? Bool == true && held?["failing_engines"] as? Int == 9 && held?["probed_engines"] as? Int == 10 && held?["since"] is String)
            let json = try await client.call(.get, "/metrics", platformKey: p.key).jsonObject()
            #expect(json["provisions_1h"] as? Int == 1 && json["total_provisions"] as? Int == 1)
            let text = try await client.call(.get, "/metrics")
            #expect(text.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(text.text.contains("bap_http_request_duration_seconds_bucket") && text.text.contains("bap_admit_outcomes_total{outcome=\"admitted\"}"))
            #expect(!text.text.contains("\"u\"") && !text.text.contains("/engines/u/"))
            #expect(try await client.call(.get, "/ready").status == .ok)
        }
    }
}
