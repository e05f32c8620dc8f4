#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import Logging
import NIOCore

/// Builds the Engine's HTTP application: `/health` open to all, every other route behind
/// `X-Engine-Key`.
func buildApplication(config: EngineConfig, brain: Brain, logger: Logger) -> some ApplicationProtocol {
    let router = Router()
    let started = ContinuousClock.now
    router.get("/health") { _, _ -> Response in
        let brainOK = await brain.isHealthy()
        let ready = brainOK && !config.unready
        let health = Health(
            status: ready ? "ok" : "unready",
            uptimeSeconds: (ContinuousClock.now - started).seconds,
            subsystems: ["brain": brainOK ? "ok" : "error", "catalog": config.catalogDir == nil ? "absent" : "ok"]
        )
        return try jsonResponse(health, status: ready ? .ok : .serviceUnavailable)
    }
    let stream = ExecuteStream(brain: brain, clock: EventClock())
    let guarded = router.group().add(middleware: KeyCheck(expectedHash: config.keyHash))
    guarded.post("/execute") { request, context -> Response in
        guard let body = try? await request.decode(as: ExecuteStream.ExecuteRequest.self, context: context) else {
            return EngineError.badRequest("The body must be JSON with `message` and `task_id`.").response
        }
        return stream.execute(body)
    }
    guarded.get("/execute/replay") { request, _ -> Response in
        let after = request.uri.queryParameters.get("after", as: Int64.self) ?? 0
        return try await stream.replay(after: after)
    }
    guarded.get("/memory/export") { _, _ -> Response in
        try jsonResponse(BrainExport(messages: try await brain.messages()), status: .ok)
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(config.bindAddress, port: config.port), serverName: "example-engine"),
        logger: logger
    )
}

private struct Health: Encodable {
    var status: String
    var uptimeSeconds: Double
    var subsystems: [String: String]
    enum CodingKeys: String, CodingKey { case status, uptimeSeconds = "uptime_seconds", subsystems }
}

/// The portable bundle of `GET /memory/export`: everything the brain holds.
private struct BrainExport: Encodable {
    var version = 1
    var messages: [Brain.Message]
}

private func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
    let data = try JSONEncoder.sorted.encode(value)
    return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
