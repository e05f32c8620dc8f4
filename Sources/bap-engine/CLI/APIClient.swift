import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WireModel

/// The CLI's view of the server: JSON requests with the right key header, answers decoded,
/// every failure turned into a one-line `CLIError` ("cannot reach …", "the server refused the
/// admin key", or the server's own `{"error":{"code","message"}}`).
final class APIClient: Sendable {
    let target: ClientTarget
    let base: String
    private let http: HTTPClient

    init(target: ClientTarget) {
        self.target = target
        self.base = target.server
        // No read timeout: watch streams stay quiet for long stretches (heartbeats every 15 s).
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(5))))
    }

    func shutdown() async { try? await http.shutdown() }

    /// An answer's status and body.
    struct Answer {
        var status: Int
        var body: Data
        var contentType: String
    }

    /// Sends a request; non-2xx answers throw `CLIError` unless `allow` lists the status.
    func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String = "application/json",
              headers: [String: String] = [:], allow: Set<Int> = [], timeout: TimeAmount = .seconds(120)) async throws -> Answer {
        let response = try await open(method, path, body: body, contentType: contentType, headers: headers, timeout: timeout)
        let bytes: ByteBuffer
        do { bytes = try await response.body.collect(upTo: 256 << 20) } catch { throw unreachable(error) }
        let answer = Answer(status: Int(response.status.code), body: Data(bytes.readableBytesView), contentType: response.headers.first(name: "content-type") ?? "")
        guard (200..<300).contains(answer.status) || allow.contains(answer.status) else { throw failure(answer) }
        return answer
    }

    /// Starts a request and returns the response head (the body streams), for watch streams.
    func open(_ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String = "application/json",
              headers: [String: String] = [:], timeout: TimeAmount = .hours(24 * 365)) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        switch target.credential {
        case .admin(let key): request.headers.add(name: "X-Admin-Key", value: key)
        case .platform(let key): request.headers.add(name: "X-Platform-Key", value: key)
        case .none: break
        }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do { return try await http.execute(request, timeout: timeout) } catch { throw unreachable(error) }
    }

    /// GET and decode JSON.
    func get<T: Decodable>(_ type: T.Type, _ path: String) async throws -> T {
        try decode(T.self, try await send(.GET, path).body)
    }

    func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do { return try WireJSON.decoder().decode(T.self, from: data) } catch {
            throw CLIError("the server at \(base) answered something this client cannot read (is it a bap-engine server of the same version?)")
        }
    }

    private func unreachable(_ error: any Error) -> CLIError {
        let text = "\(error)"
        let reason = text.contains("refused") ? "connection refused"
            : text.lowercased().contains("timeout") ? "timed out"
            : text.split(separator: "\n").first.map(String.init) ?? "unknown error"
        return CLIError("cannot reach the server at \(base) (\(reason)); is `bap-engine serve` running? Set --server or BAP_SERVER.")
    }

    /// The `error.code` of an error envelope, if the answer is one.
    static func errorCode(_ answer: Answer) -> String? {
        (try? JSONDecoder().decode(ErrorEnvelope.self, from: answer.body))?.error.code
    }

    /// The one-line error for a refused answer (the server's message and code).
    func failure(_ answer: Answer) -> CLIError {
        guard let envelope = try? JSONDecoder().decode(ErrorEnvelope.self, from: answer.body) else {
            return CLIError("the server answered HTTP \(answer.status)")
        }
        switch envelope.error.code {
        case "INVALID_ADMIN_KEY":
            let given = target.isAdmin ? "the admin key from \(target.keySource) was refused"
                : "this needs the admin key (--admin-key-file, ORCH_ADMIN_KEY, or a context: bap-engine config set-context)"
            return CLIError("\(given) (INVALID_ADMIN_KEY)")
        case "INVALID_PLATFORM_KEY":
            let given = target.keySource.isEmpty ? "no key was given" : "the key from \(target.keySource) was refused"
            return CLIError("\(given): pass --admin-key-file or --platform-key-file, set ORCH_ADMIN_KEY, or choose a context (bap-engine config set-context) (INVALID_PLATFORM_KEY)")
        default:
            return CLIError("\(envelope.error.message) (\(envelope.error.code))")
        }
    }
}

extension String {
    /// Percent-encodes one path segment or query value.
    var urlComponent: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? self
    }
}
