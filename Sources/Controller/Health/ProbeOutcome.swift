import AsyncHTTPClient
import Foundation
import NIOCore

/// The answer of one `/health` probe.
public enum ProbeOutcome: Sendable, Equatable {
    /// 2xx with `"status":"ok"`.
    case ready
    /// Reachable but not ok (non-2xx, or `status != "ok"`): alive, not ready.
    case unready(String)
    /// Not reachable (refused, reset, timed out): counts against liveness.
    case unreachable(String)
}

/// Probes `GET <url>/health` with AsyncHTTPClient. Never throws: every failure is an outcome.
public struct HTTPHealthProbe: Sendable {
    let client: HTTPClient
    let timeout: Duration

    public init(client: HTTPClient, timeout: Duration) {
        self.client = client
        self.timeout = timeout
    }

    /// The client probes must use: it never follows a redirect (a `/health` that answers 3xx is
    /// not ready, and an engine must not make the orchestrator fetch another address), and it
    /// gives up after `timeout` to connect and to read.
    public static func makeClient(timeout: Duration) -> HTTPClient {
        let seconds = Int64(timeout.components.seconds)
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(seconds), read: .seconds(seconds)))
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func callAsFunction(_ baseURL: String) async -> ProbeOutcome {
        do {
            let request = HTTPClientRequest(url: baseURL + "/health")
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.seconds * 1e9)))
            let body = try await response.body.collect(upTo: 64 * 1024)
            guard (200..<300).contains(response.status.code) else {
                return .unready("/health answered \(response.status.code).")
            }
            struct Health: Decodable { var status: String }
            let health = try? JSONDecoder().decode(Health.self, from: Data(String(buffer: body).utf8))
            return health?.status == "ok" ? .ready : .unready("/health did not say ok.")
        } catch {
            return .unreachable("The engine could not be reached (\(type(of: error))).")
        }
    }
}
