import AsyncHTTPClient
import Foundation
import NIOCore

/// A thin client of the Docker Engine API over its unix socket.
///
/// Every request carries `Host: docker` (AsyncHTTPClient sends none over a unix socket and
/// dockerd answers 400 without one). The API version is negotiated once, lazily, from
/// `GET /version`: the daemon's version, capped at the newest one this client knows; a failed
/// negotiation is retried on the next request. Ordinary requests use `HTTPClient.shared`
/// (90 s read timeout, which bounds the longest `stop` grace this client supports); streams
/// (`/events`) use a dedicated client without read timeout (see `DockerEventStream`).
public struct DockerClient: Sendable {
    public let socketPath: String
    private let version: APIVersionCache
    /// The newest API version whose requests this client builds (all of them also work on 1.41).
    static let newestKnownVersion = APIVersion(major: 1, minor: 43)

    public init(socketPath: String) {
        self.socketPath = socketPath
        self.version = APIVersionCache()
    }

    /// The HTTP methods the Engine API needs.
    enum Method: String, Sendable { case GET, POST, DELETE }

    /// A finished response: status and the whole body.
    struct Reply: Sendable {
        var status: Int
        var body: ByteBuffer
        var text: String { String(buffer: body) }
        func decode<T: Decodable>(_ type: T.Type) throws(DriverError) -> T {
            do { return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView)) } catch {
                throw DriverError(.unavailable, "Docker answered something this driver cannot read.", detail: "\(T.self): \(error)")
            }
        }
    }

    /// Sends one request and collects the answer (up to 16 MiB). Transport failures are
    /// `.unavailable`; HTTP statuses are the caller's to interpret. A path whose interpolated
    /// segment could climb out of its place (see `DockerPath`) is `.rejected` unsent.
    func send(_ method: Method, _ path: DockerPath, query: [(String, String)] = [], body: (any Encodable & Sendable)? = nil, timeout: Duration = .seconds(60)) async throws(DriverError) -> Reply {
        guard path.isSafe else { throw DriverError(.rejected, "A name is not usable in a Docker API path.", detail: "\(method) \(path)") }
        let prefix = try await versionPrefix()
        let request = try makeRequest(method, prefix + path.encoded, query: query, body: body)
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
            let buffer = try await response.body.collect(upTo: 16 << 20)
            return Reply(status: Int(response.status.code), body: buffer)
        } catch {
            throw DriverError(.unavailable, "Docker cannot be reached.", detail: "\(method) \(path): \(error)")
        }
    }

    /// Starts a streaming request on `client` (which must have no read timeout).
    func openStream(_ path: DockerPath, query: [(String, String)], on client: HTTPClient) async throws(DriverError) -> HTTPClientResponse {
        guard path.isSafe else { throw DriverError(.rejected, "A name is not usable in a Docker API path.", detail: "stream \(path)") }
        let prefix = try await versionPrefix()
        let request = try makeRequest(.GET, prefix + path.encoded, query: query, body: nil)
        do {
            return try await client.execute(request, timeout: .hours(24 * 365))
        } catch {
            throw DriverError(.unavailable, "Docker cannot be reached.", detail: "stream \(path): \(error)")
        }
    }

    func makeRequest(_ method: Method, _ path: String, query: [(String, String)], body: (any Encodable & Sendable)?) throws(DriverError) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url(path, query: query))
        request.method = .init(rawValue: method.rawValue)
        request.headers.add(name: "Host", value: "docker")
        if let body {
            do {
                let data = try JSONEncoder().encode(body)
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: data))
            } catch {
                throw DriverError(.rejected, "The request to Docker could not be encoded.", detail: "\(error)")
            }
        }
        return request
    }

    func url(_ path: String, query: [(String, String)]) -> String {
        let socket = socketPath.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socketPath
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?/:,")
        let queryText = query.map { key, value in "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)" }
        return "http+unix://\(socket)\(path)" + (queryText.isEmpty ? "" : "?" + queryText.joined(separator: "&"))
    }

    private func versionPrefix() async throws(DriverError) -> String {
        if let known = await version.value { return "/v\(known)" }
        let request = try makeRequest(.GET, "/version", query: [], body: nil)
        let server: APIVersion
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            let info = try JSONDecoder().decode(VersionInfo.self, from: Data(body.readableBytesView))
            guard let parsed = APIVersion(info.apiVersion) else { throw DriverError(.unavailable, "Docker reported an unreadable API version.") }
            server = parsed
        } catch {
            throw DriverError(.unavailable, "Docker cannot be reached.", detail: "GET /version: \(error)")
        }
        let chosen = min(server, Self.newestKnownVersion)
        await version.set(chosen)
        return "/v\(chosen)"
    }

    private struct VersionInfo: Decodable {
        var apiVersion: String
        enum CodingKeys: String, CodingKey { case apiVersion = "ApiVersion" }
    }
}

/// `major.minor` of the Docker Engine API.
struct APIVersion: Comparable, Sendable, CustomStringConvertible {
    var major: Int
    var minor: Int

    init(major: Int, minor: Int) { self.major = major; self.minor = minor }

    init?(_ text: String) {
        let parts = text.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        self.init(major: parts[0], minor: parts[1])
    }

    static func < (lhs: Self, rhs: Self) -> Bool { (lhs.major, lhs.minor) < (rhs.major, rhs.minor) }
    var description: String { "\(major).\(minor)" }
}

/// The negotiated version, shared by every copy of one client.
actor APIVersionCache {
    private(set) var value: APIVersion?
    func set(_ version: APIVersion) { value = version }
}
