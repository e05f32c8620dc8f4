import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOPosix

/// `events()` of the Docker driver: the label-filtered `/events` stream turned into "look at
/// engine X" hints.
///
/// Runs on its own HTTP client without read timeout (a quiet stream must not die after 90 s),
/// shut down when the stream ends. When the connection drops it reconnects with backoff
/// (100 ms doubling to 5 s) and yields `.resync`: the daemon drops events for slow or absent
/// listeners, so the caller must relist.
struct DockerEventStream: Sendable {
    let client: DockerClient
    let scopeLabels: [String: String]
    let logger: Logger

    func makeStream() -> AsyncStream<DriverEvent> {
        let (stream, continuation) = AsyncStream<DriverEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        // The loop lives exactly as long as the consumer: cancelled when the stream terminates.
        let task = Task { await run(continuation) }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func run(_ continuation: AsyncStream<DriverEvent>.Continuation) async {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: nil)
        let http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        var backoff = Duration.milliseconds(100)
        var connectedBefore = false
        while !Task.isCancelled {
            do {
                let response = try await client.openStream("/events", query: [("filters", DockerLabels.filter(scope: scopeLabels, extra: ["type": ["container"]]))], on: http)
                guard response.status == .ok else { throw DriverError(.unavailable, "events: HTTP \(response.status.code)") }
                if connectedBefore { continuation.yield(.resync) }
                connectedBefore = true
                backoff = .milliseconds(100)
                var lines = LineSplitter()
                for try await chunk in response.body {
                    for line in lines.feed(chunk.readableBytesView) {
                        if let event = Self.event(from: line) { continuation.yield(event) }
                    }
                }
            } catch {
                if Task.isCancelled { break }
                logger.debug("docker event stream interrupted", metadata: ["error": "\(error)"])
            }
            if Task.isCancelled { break }
            connectedBefore = true
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
        try? await http.shutdown()
        continuation.finish()
    }

    private struct Message: Decodable {
        var action: String?
        var actor: Actor?
        struct Actor: Decodable {
            var attributes: [String: String]?
            enum CodingKeys: String, CodingKey { case attributes = "Attributes" }
        }
        enum CodingKeys: String, CodingKey { case action = "Action", actor = "Actor" }
    }

    /// A hint for every container action but `exec_*` (health checks and execs are noise).
    static func event(from line: String) -> DriverEvent? {
        guard let message = try? JSONDecoder().decode(Message.self, from: Data(line.utf8)),
              let action = message.action, !action.hasPrefix("exec_"),
              let engine = message.actor?.attributes?[DockerLabels.engine].flatMap(UUID.init(uuidString:))
        else { return nil }
        return .changed(engine)
    }
}

extension DockerDriver {
    /// Hints from Docker's event stream (label-filtered to this scope). Reconnects by itself
    /// and yields `.resync` after each reconnect; ends only when the consumer stops iterating.
    public func events() -> AsyncStream<DriverEvent> {
        DockerEventStream(client: client, scopeLabels: configuration.scopeLabels, logger: logger).makeStream()
    }
}
