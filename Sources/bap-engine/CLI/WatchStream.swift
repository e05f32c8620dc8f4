import AsyncHTTPClient
import Foundation
import NIOCore

/// One Server-Sent Event of `GET /v1/watch`: `id: <revision>`, `event: engine|deleted`, `data: <json>`.
struct SSEEvent: Sendable, Equatable {
    var id: String?
    var event: String
    var data: String
}

/// Splits an SSE byte stream into events (comments like `: heartbeat` are skipped). Lines may
/// arrive split across chunks; the parser keeps the partial line.
struct SSEParser {
    private var partial: [UInt8] = []
    private var id: String?
    private var event = "message"
    private var data: [String] = []

    /// Feeds bytes, returns the events they complete.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        var out: [SSEEvent] = []
        for byte in bytes {
            guard byte == UInt8(ascii: "\n") else { partial.append(byte); continue }
            var line = String(decoding: partial, as: UTF8.self)
            partial.removeAll(keepingCapacity: true)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                if !data.isEmpty { out.append(SSEEvent(id: id, event: event, data: data.joined(separator: "\n"))) }
                event = "message"
                data = []
                continue
            }
            if line.hasPrefix(":") { continue }
            let (field, value) = Self.split(line)
            switch field {
            case "id": id = value
            case "event": event = value
            case "data": data.append(value)
            default: break
            }
        }
        return out
    }

    static func split(_ line: String) -> (String, String) {
        guard let colon = line.firstIndex(of: ":") else { return (line, "") }
        var value = line[line.index(after: colon)...]
        if value.first == " " { value = value.dropFirst() }
        return (String(line[..<colon]), String(value))
    }
}

extension APIClient {
    /// Follows `GET /v1/watch` (optionally one product) and calls `handle` per event until it
    /// returns false or the stream ends. The snapshot of current engines comes first.
    func watch(product: String?, since: String? = nil, _ handle: (SSEEvent) async throws -> Bool) async throws {
        var query: [String] = []
        if let product { query.append("product=\(product.urlComponent)") }
        if let since { query.append("since=\(since.urlComponent)") }
        let response = try await open(.GET, "/v1/watch" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
        guard response.status.code == 200 else {
            _ = try await send(.GET, "/v1/watch" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))  // Reports the error envelope.
            throw CLIError("the watch stream answered HTTP \(response.status.code)")
        }
        var parser = SSEParser()
        for try await chunk in response.body {
            for event in parser.feed(chunk.readableBytesView) {
                if try await !handle(event) { return }
            }
        }
    }
}
