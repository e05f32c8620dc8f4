import AsyncHTTPClient
import Foundation
import NIOCore

/// Talks to a running engine the way a product does.
enum EngineHTTP {
    struct Reply: Sendable {
        var status: Int
        var body: String
    }

    static func get(_ url: String, key: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        if let key { request.headers.add(name: "X-Engine-Key", value: key) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        return Reply(status: Int(response.status.code), body: String(buffer: try await response.body.collect(upTo: 1 << 22)))
    }

    static func post(_ url: String, key: String?, json: String) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key { request.headers.add(name: "X-Engine-Key", value: key) }
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return Reply(status: Int(response.status.code), body: String(buffer: try await response.body.collect(upTo: 1 << 22)))
    }

    /// True when `GET /health` answers 200 with `"status":"ok"`; false on any failure.
    static func isHealthy(_ url: String?) async -> Bool {
        guard let url, let reply = try? await get(url + "/health") else { return false }
        return reply.status == 200 && reply.body.contains(#""status":"ok""#)
    }

    /// Writes one turn into the engine's brain.
    static func chat(_ url: String, key: String, _ message: String) async throws -> Reply {
        try await post(url + "/execute", key: key, json: #"{"message":"\#(message)","task_id":"t-1"}"#)
    }
}
