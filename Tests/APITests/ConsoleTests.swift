import API
import DesiredState
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Web console: /ui and the admit outcomes it shows")
struct ConsoleTests {
    static func header(_ response: TestResponse, _ name: String) -> String? { response.headers[HTTPField.Name(name)!] }

    @Test("/ui serves the page, script, style sheet and icon without a key, each with the security headers")
    func servesConsole() async throws {
        try await Harness.make().run(controller: nil) { client in
            for (path, type) in [("/ui", "text/html"), ("/ui/", "text/html"), ("/ui/app.js", "text/javascript"), ("/ui/app.css", "text/css"), ("/ui/icon.svg", "image/svg+xml")] {
                let response = try await client.call(.get, path)
                #expect(response.status == .ok, "\(path)")
                #expect(response.headers[.contentType]?.hasPrefix(type) == true, "\(path): \(response.headers[.contentType] ?? "none")")
                let csp = Self.header(response, "Content-Security-Policy") ?? ""
                #expect(csp.contains("default-src 'self'") && csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "\(path): \(csp)")
                #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"))
                #expect(Self.header(response, "X-Frame-Options") == "DENY")
                #expect(Self.header(response, "X-Content-Type-Options") == "nosniff")
                #expect(Self.header(response, "Referrer-Policy") == "no-referrer")
                #expect(response.text.count > 100)
            }
            let page = try await client.call(.get, "/ui").text
            // The CSP allows no inline script or style, so the page must not need any.
            let scripts = page.components(separatedBy: "<script").dropFirst()
            #expect(scripts.count == 1 && scripts.allSatisfy { $0.hasPrefix(" src=\"/ui/app.js\"") })
            #expect(!page.contains("style=") && !page.contains("<style"))
            #expect(page.range(of: #"\son[a-z]+="#, options: .regularExpression) == nil)  // No inline handlers.
            #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("//cdn"))  // Nothing off-origin.
            let script = try await client.call(.get, "/ui/app.js").text
            #expect(script.contains("/v1/watch") && script.contains("sessionStorage") && script.contains("X-Platform-Key") && script.contains("X-Admin-Key"))
            // The key is kept per tab and never written as markup or into a URL.
            #expect(!script.contains("localStorage") && !script.contains("innerHTML") && !script.contains("document.write"))
            #expect(!script.contains("key=") && !script.contains("EventSource("))
            // Unknown console paths are the API's ordinary 404 envelope.
            let missing = try await client.call(.get, "/ui/nothing.js")
            #expect(missing.status == .notFound && missing.errorCode == "NOT_FOUND")
        }
    }

    @Test("admit outcomes per minute: a product key sees its own, the admin the fleet or one product; bad input is a 400 envelope")
    func admitOutcomes() async throws {
        let harness = try await Harness.make()
        let checker = ResponseChecker(document: OpenAPITests.document)
        try await harness.run { client in
            let a = try await client.register("alpha")
            let b = try await client.register("beta", policy: #"{"auto_provision":true,"rate_limit_rpm":2}"#)
            // alpha: two denials (no engine, no auto-provision).
            for _ in 0..<2 { _ = try await client.call(.post, "/engines/nobody/admit", platformKey: a.key) }
            // beta: admitted twice, then rate limited (2 per minute, the clock does not move).
            for _ in 0..<3 { _ = try await client.call(.post, "/engines/u1/admit", platformKey: b.key) }

            func totals(_ uri: String, key: String? = nil, admin: Bool = false) async throws -> [String: Int] {
                let response = try await client.call(.get, uri, platformKey: key, admin: admin)
                #expect(response.status == .ok, "\(uri): \(response.text)")
                await checker.check(method: "get", path: "/v1/admit-outcomes", response: response)
                let object = try response.jsonObject()
                let buckets = object["buckets"] as? [[String: Any]] ?? []
                #expect(buckets.count == object["window_minutes"] as? Int)
                return object["totals"] as? [String: Int] ?? [:]
            }
            #expect(try await totals("/v1/admit-outcomes", key: a.key) == ["engine_not_found": 2])
            #expect(try await totals("/v1/admit-outcomes?minutes=5", key: b.key) == ["admitted": 2, "rate_limited": 1])
            #expect(try await totals("/v1/admit-outcomes", admin: true) == ["engine_not_found": 2, "admitted": 2, "rate_limited": 1])
            #expect(try await totals("/v1/admit-outcomes?product=beta", admin: true) == ["admitted": 2, "rate_limited": 1])
            // A product key cannot look at another product (the parameter is the admin's).
            #expect(try await totals("/v1/admit-outcomes?product=beta", key: a.key) == ["engine_not_found": 2])
            // Sixteen minutes later the 15-minute window is empty; the 60-minute one still counts.
            harness.clock.advance(16 * 60)
            #expect(try await totals("/v1/admit-outcomes", admin: true).isEmpty)
            #expect(try await totals("/v1/admit-outcomes?minutes=60", admin: true)["admitted"] == 2)

            for bad in ["/v1/admit-outcomes?minutes=0", "/v1/admit-outcomes?minutes=61", "/v1/admit-outcomes?minutes=x"] {
                let response = try await client.call(.get, bad, admin: true)
                #expect(response.status == .badRequest && response.errorCode == "INVALID_REQUEST", "\(bad)")
            }
            #expect(try await client.call(.get, "/v1/admit-outcomes?product=nope", admin: true).errorCode == "PRODUCT_NOT_FOUND")
            #expect(try await client.call(.get, "/v1/admit-outcomes").status == .unauthorized)
        }
        let problems = await checker.problems
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("the outcome log keeps an hour and forgets older minutes")
    func logBounded() {
        let log = AdmitOutcomeLog()
        let product = UUID(), other = UUID()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        log.record(productID: product, outcome: "admitted", at: t0)
        log.record(productID: other, outcome: "admitted", at: t0)
        log.record(productID: product, outcome: "admitted", at: t0.addingTimeInterval(61))
        #expect(log.buckets(productID: product, minutes: 5, now: t0.addingTimeInterval(61)).map { $0.outcomes["admitted"] ?? 0 }.suffix(2) == [1, 1])
        #expect(log.buckets(productID: nil, minutes: 5, now: t0.addingTimeInterval(61)).map { $0.outcomes["admitted"] ?? 0 }.reduce(0, +) == 3)
        // Two hours on, a new record drops everything older than the window.
        log.record(productID: product, outcome: "rate_limited", at: t0.addingTimeInterval(7200))
        let all = log.buckets(productID: nil, minutes: 60, now: t0.addingTimeInterval(7200))
        #expect(all.count == 60 && all.flatMap(\.outcomes).map(\.value).reduce(0, +) == 1)
        #expect(log.storedBucketCount == 1)
    }
}
