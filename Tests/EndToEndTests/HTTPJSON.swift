import AsyncHTTPClient
import Foundation
import NIOCore

/// Minimal JSON over HTTP for the end-to-end flow, as a product client would do it.
struct HTTPJSON {
    let base: String
    var headers: [(String, String)] = []

    struct Reply {
        var status: Int
        var body: [String: Any]
        var raw: String
        var headers: [(String, String)]
        func string(_ key: String) -> String? { body[key] as? String }
        func object(_ key: String) -> [String: Any]? { body[key] as? [String: Any] }
    }

    func call(_ method: String, _ path: String, json: String? = nil, extra: [(String, String)] = [], timeout: Duration = .seconds(60)) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        for (name, value) in headers + extra { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
        let raw = String(buffer: try await response.body.collect(upTo: 4 << 20))
        let body = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any] ?? [:]
        return Reply(status: Int(response.status.code), body: body, raw: raw, headers: response.headers.map { ($0.name, $0.value) })
    }
}
