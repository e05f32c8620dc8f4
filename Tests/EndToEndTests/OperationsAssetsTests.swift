import Foundation
import TestSupport
import Testing

/// `deploy/grafana/bap-engine.json` and `deploy/prometheus/bap-engine-rules.yml` read only
/// metrics a live server exports, under the labels it really uses. (`promtool check rules` and
/// `promtool test rules` run in `scripts/test`.)
@Suite("End to end: operations assets", .serialized)
struct OperationsAssetsTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The metric families every dashboard panel and rule group must cover (issue 15 item 3).
    static let required: Set<String> = [
        "bap_engines", "bap_admit_outcomes_total", "bap_http_request_duration_seconds_bucket",
        "bap_reconcile_duration_seconds_count", "bap_reconcile_duration_seconds_bucket", "bap_engine_restarts_total",
        "bap_restart_breaker_open", "bap_store_up", "bap_controller_leader",
    ]

    /// Every `bap_…` name in a text.
    static func metricNames(in text: String) -> Set<String> {
        let regex = /bap_[a-z0-9_]+/
        return Set(text.matches(of: regex).map { String($0.output) })
    }

    /// One sample line of the Prometheus text format.
    struct Sample {
        var name: String
        var labels: String
        var value: Double
    }

    static func samples(_ text: String) -> [Sample] {
        text.split(separator: "\n").compactMap { line -> Sample? in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
            let series = line[..<space]
            let name = series.prefix { $0 != "{" && $0 != " " }
            let labels = series.dropFirst(name.count)
            return Sample(name: String(name), labels: String(labels), value: value)
        }
    }

    /// Every `expr` of the dashboard's panels, and checks the panels' shape on the way.
    static func dashboardExpressions() throws -> [String] {
        let data = try Data(contentsOf: repoRoot.appendingPathComponent("deploy/grafana/bap-engine.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(dashboard["uid"] as? String == "bap-engine")
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "every panel has a unique id")
        var expressions: [String] = []
        for panel in panels where panel["type"] as? String != "row" {
            let title = panel["title"] as? String ?? "?"
            #expect((panel["datasource"] as? [String: Any])?["uid"] as? String == "${datasource}", "\(title) uses the dashboard's data source variable")
            let targets = try #require(panel["targets"] as? [[String: Any]], "\(title) has targets")
            #expect(!targets.isEmpty, "\(title) has targets")
            for target in targets { expressions.append(try #require(target["expr"] as? String, "\(title) target has an expr")) }
        }
        return expressions
    }

    @Test("every metric the dashboard and the alert rules read exists in a live server's /metrics, with the labels the queries select")
    func assetsMatchLiveMetrics() async throws {
        let rules = try String(contentsOf: Self.repoRoot.appendingPathComponent("deploy/prometheus/bap-engine-rules.yml"), encoding: .utf8)
        let expressions = try Self.dashboardExpressions()
        let used = Self.metricNames(in: rules).union(Self.metricNames(in: expressions.joined(separator: "\n")))
        #expect(used.isSuperset(of: Self.required), "missing from the assets: \(Self.required.subtracting(used).sorted())")
        #expect(Self.metricNames(in: rules).isSuperset(of: ["bap_restart_breaker_open", "bap_engines", "bap_store_up", "bap_reconcile_duration_seconds_count", "bap_http_request_duration_seconds_bucket"]),
                "the five alerts' inputs")

        try await ServerProcess.with { server in
            let http = HTTPJSON(base: server.base)
            // Fresh server: every series exists before any traffic.
            let fresh = try await http.call("GET", "/metrics")
            #expect(fresh.status == 200)
            let exported = Set(Self.samples(fresh.raw).map(\.name))
            for name in used.sorted() { #expect(exported.contains(name), "\(name) is read by deploy/ but not exported") }
            let initial = Self.samples(fresh.raw)
            #expect(initial.contains { $0.name == "bap_store_up" && $0.value == 1 })
            for phase in ["running", "failed", "sleeping"] {
                #expect(initial.contains { $0.name == "bap_engines" && $0.labels.contains(#"phase="\#(phase)""#) }, "bap_engines{phase=\"\(phase)\"}")
            }

            // Real traffic lands on the series the admit queries select.
            let admin = HTTPJSON(base: server.base, headers: [("X-Admin-Key", server.adminKey)])
            let registered = try await admin.call("POST", "/products/register", json: #"{"slug":"ops-\#(server.runID)","display_name":"Ops"}"#)
            let platformKey = try #require(registered.string("platform_api_key"), "\(registered.raw)")
            let product = HTTPJSON(base: server.base, headers: [("X-Platform-Key", platformKey)])
            let admitted = try await product.call("POST", "/engines/nobody/admit", json: #"{"auto_provision":false}"#)
            #expect(admitted.status == 200, "\(admitted.raw)")
            #expect(admitted.string("reason") == "engine_not_found", "\(admitted.raw)")
            try await eventually(timeout: .seconds(30), "the controller leads and reports") {
                let samples = Self.samples(try await http.call("GET", "/metrics").raw)
                return samples.contains { $0.name == "bap_controller_leader" && $0.value == 1 }
            }
            let after = Self.samples(try await http.call("GET", "/metrics").raw)
            #expect(after.contains { $0.name == "bap_http_request_duration_seconds_count" && $0.labels.contains(#"route="/engines/{user_id}/admit""#) && $0.value >= 1 },
                    "the admit route label of the latency alert and panel matches real requests")
            #expect(after.contains { $0.name == "bap_admit_outcomes_total" && $0.labels.contains(#"outcome="engine_not_found""#) && $0.value >= 1 })
        }
    }
}
