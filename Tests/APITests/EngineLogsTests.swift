@testable import API
import DesiredState
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Engine logs")
struct EngineLogsTests {
    @Test("GET …/logs returns the runtime's lines as text, 404 for another product, 501 without a log source")
    func logs() async throws {
        var harness = try await Harness.make()
        harness.engineLogs = { _, tail in "line 1\nline 2 (tail \(tail))\n" }
        try await harness.run { client in
            let a = try await client.register("alpha")
            let b = try await client.register("beta")
            _ = try await client.call(.put, "/v1/products/alpha/engines/u", platformKey: a.key, json: #"{"spec":{}}"#)
            let ok = try await client.call(.get, "/v1/products/alpha/engines/u/logs?tail=5", platformKey: a.key)
            #expect(ok.status == .ok)
            #expect(String(buffer: ok.body) == "line 1\nline 2 (tail 5)\n")
            #expect(try await client.call(.get, "/v1/products/alpha/engines/u/logs?tail=0", platformKey: a.key).status == .badRequest)
            #expect(try await client.call(.get, "/v1/products/alpha/engines/u/logs", platformKey: b.key).status == .notFound)
        }
        var bare = try await Harness.make()
        bare.engineLogs = nil
        try await bare.run { client in
            let a = try await client.register("alpha")
            _ = try await client.call(.put, "/v1/products/alpha/engines/u", platformKey: a.key, json: #"{"spec":{}}"#)
            #expect(try await client.call(.get, "/v1/products/alpha/engines/u/logs", platformKey: a.key).status == .notImplemented)
        }
    }
}
