import AsyncHTTPClient
import DesiredState
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Synchronization
import TestSupport
import Testing
@testable import API

/// The API as a real HTTP server on a loopback port (HummingbirdTesting's live mode) over a
/// real store (SQLite file or a fresh Postgres database), with the fake controller converging
/// engines: for what the router test mode cannot show, such as several streams open at once,
/// connections closed by the server, and answers while other clients hold their places.
struct LiveServer: Sendable {
    let port: Int
    let store: any Store

    var base: String { "http://127.0.0.1:\(port)" }

    static func run(
        _ kind: StoreKind, idleTimeout: Duration? = nil, configure: @escaping @Sendable (inout APIConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (LiveServer) async throws -> Void
    ) async throws {
        try await StoreFactory.withStore(kind) { store in
            var configuration = Harness(store: store).configuration
            configure(&configuration)
            let app = buildApplication(
                store: store, configuration: configuration,
                server: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)), idleTimeout: idleTimeout
            )
            let controller = FakeController()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try? await controller.run(store: store) }
                try await app.test(.live) { client in
                    let port = try #require(client.port)
                    try await body(LiveServer(port: port, store: store))
                }
                group.cancelAll()
            }
        }
    }

    /// One request with AsyncHTTPClient (a connection of its own, so many can be open at once).
    func call(_ method: HTTPMethod, _ path: String, headers: [(String, String)], json: String? = nil) async throws -> (status: Int, text: String, headers: HTTPHeaders) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        return (Int(response.status.code), text, response.headers)
    }
}

/// An open watch stream read in the background: its status, and the text read so far.
final class OpenWatch: Sendable {
    let status: Int
    let headers: HTTPHeaders
    private let progress = Progress()
    private let reader: Task<Void, Never>

    /// What the reader task has seen, shared with it.
    private final class Progress: Sendable {
        let received = Mutex("")
        let finished = Mutex(false)
    }

    /// Opens `GET /v1/watch<query>`; the body is read until the server ends it or `close()`.
    static func open(_ server: LiveServer, _ query: String = "", headers: [(String, String)]) async throws -> OpenWatch {
        var request = HTTPClientRequest(url: server.base + "/v1/watch" + query)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(3600))
        guard response.status == .ok else {
            let envelope = String(buffer: (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer())
            return OpenWatch(status: Int(response.status.code), headers: response.headers, body: nil, text: envelope)
        }
        return OpenWatch(status: Int(response.status.code), headers: response.headers, body: response.body, text: "")
    }

    private init(status: Int, headers: HTTPHeaders, body: HTTPClientResponse.Body?, text: String) {
        self.status = status
        self.headers = headers
        let progress = self.progress
        progress.received.withLock { $0 = text }
        // Owned by this object: cancelled by `close()` (which closes the connection).
        reader = Task {
            do { for try await chunk in body ?? HTTPClientResponse().body { progress.received.withLock { $0 += String(buffer: chunk) } } } catch {}
            progress.finished.withLock { $0 = true }
        }
    }

    var text: String { progress.received.withLock { $0 } }
    var hasEnded: Bool { progress.finished.withLock { $0 } }

    /// Stops reading: the connection closes and the server frees the stream's place.
    func close() async {
        reader.cancel()
        await reader.value
    }
}
