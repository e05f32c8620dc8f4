#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import NIOCore

/// `POST /execute` and its replay: a fake turn streamed as Server-Sent Events.
///
/// A turn is `thread_lifecycle` (started), one `text_delta` per word of the reply, then
/// `thread_lifecycle` (completed). Each event is stored in the brain before it is sent, with a
/// unique millisecond timestamp as its SSE `id`, so a client that reconnects with
/// `GET /execute/replay?after=<id>` gets exactly what it missed. A client that disconnects does
/// not stop the turn: storing continues, sending errors are ignored.
struct ExecuteStream: Sendable {
    let brain: Brain
    let clock: EventClock
    /// Pause between deltas, so the stream is observably a stream.
    var deltaDelay: Duration = .milliseconds(5)

    struct ExecuteRequest: Decodable {
        var message: String
        var taskID: String
        enum CodingKeys: String, CodingKey { case message, taskID = "task_id" }
    }

    func execute(_ request: ExecuteRequest) -> Response {
        let turnID = UUID().uuidString.lowercased()
        let words = "Example engine heard: \(request.message)".split(separator: " ").map(String.init)
        let body = ResponseBody { writer in
            try await brain.record(.init(taskID: request.taskID, role: "user", text: request.message, atMS: clock.next()))
            var sending = true
            func emit(_ name: String, _ fields: [String: String]) async throws {
                let event = try await store(name, fields)
                if sending { do { try await writer.write(Self.frame(event)) } catch { sending = false } }
            }
            try await emit("thread_lifecycle", ["phase": "started", "task_id": request.taskID, "turn_id": turnID])
            for (index, word) in words.enumerated() {
                try await emit("text_delta", ["text": index == 0 ? word : " " + word])
                try await Task.sleep(for: deltaDelay)
            }
            try await brain.record(.init(taskID: request.taskID, role: "assistant", text: words.joined(separator: " "), atMS: clock.next()))
            try await emit("thread_lifecycle", ["phase": "completed", "task_id": request.taskID, "turn_id": turnID])
            if sending { try await writer.finish(nil) }
        }
        return Response(status: .ok, headers: Self.headers, body: body)
    }

    func replay(after: Int64) async throws -> Response {
        let events = try await brain.events(after: after)
        var buffer = ByteBuffer()
        for event in events { buffer.writeImmutableBuffer(Self.frame(event)) }
        return Response(status: .ok, headers: Self.headers, body: ResponseBody(byteBuffer: buffer))
    }

    private func store(_ name: String, _ fields: [String: String]) async throws -> Brain.StoredEvent {
        let atMS = await clock.next()
        var payload = fields
        payload["timestamp"] = String(atMS)
        let json = String(decoding: try JSONEncoder.sorted.encode(payload), as: UTF8.self)
        let event = Brain.StoredEvent(atMS: atMS, name: name, json: json)
        try await brain.append(event)
        return event
    }

    static let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]

    static func frame(_ event: Brain.StoredEvent) -> ByteBuffer {
        ByteBuffer(string: "id: \(event.atMS)\nevent: \(event.name)\ndata: \(event.json)\n\n")
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
