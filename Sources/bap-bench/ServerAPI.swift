import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The orchestrator's HTTP API as the benchmark uses it (the same calls a product makes).
struct ServerAPI: Sendable {
    let client: HTTPClient
    let base: String
    let adminKey: String

    struct Failure: Error, CustomStringConvertible { var description: String }

    struct Answer: Sendable {
        var status: UInt
        var body: Data
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    }

    func call(_ method: HTTPMethod, _ path: String, platformKey: String? = nil, body: Data? = nil,
              contentType: String = "application/json", timeout: Int64 = 120) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let platformKey { request.headers.add(name: "X-Platform-Key", value: platformKey) } else { request.headers.add(name: "X-Admin-Key", value: adminKey) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response = try await client.execute(request, timeout: .seconds(timeout))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: response.status.code, body: Data(buffer: buffer))
    }

    /// `POST /v1/apply` with fleet YAML; returns the platform keys of products created now.
    @discardableResult
    func apply(_ yaml: String, prune: Bool = false) async throws -> [String: String] {
        let answer = try await call(.POST, "/v1/apply" + (prune ? "?prune=true" : ""), body: Data(yaml.utf8), contentType: "application/yaml")
        guard answer.status == 200 else { throw Failure(description: "apply answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))") }
        return (answer.json?["platform_keys"] as? [String: String]) ?? [:]
    }

    /// `POST /engines/{user}/admit`; the status code and, when admitted, the engine URL.
    func admit(_ user: String, key: String, autoWake: Bool = true, autoProvision: Bool = false) async throws -> (status: UInt, admitted: Bool, url: String?) {
        let body = Data("{\"auto_provision\":\(autoProvision),\"auto_wake\":\(autoWake)}".utf8)
        let answer = try await call(.POST, "/engines/\(user)/admit", platformKey: key, body: body)
        let json = answer.json
        let engine = json?["engine"] as? [String: Any]
        return (answer.status, (json?["admitted"] as? Bool) ?? false, engine?["url"] as? String)
    }

    /// Engines per phase (`GET /status`).
    func phases(key: String) async throws -> [String: Int] {
        let answer = try await call(.GET, "/status", platformKey: key, timeout: 10)
        return (answer.json?["by_status"] as? [String: Int]) ?? [:]
    }

    /// The `/v1` engine resource (spec + status), nil on 404.
    func engine(product: String, user: String) async throws -> [String: Any]? {
        let answer = try await call(.GET, "/v1/products/\(product)/engines/\(user)", timeout: 10)
        return answer.status == 200 ? answer.json : nil
    }

    func sleep(product: String, user: String) async throws {
        let answer = try await call(.POST, "/v1/products/\(product)/engines/\(user)/sleep")
        guard (200..<300).contains(answer.status) else { throw Failure(description: "sleep answered \(answer.status)") }
    }

    /// Polls until `condition` holds or `limit` passes; returns whether it held.
    static func poll(every interval: Duration = .milliseconds(20), limit: Duration, _ condition: () async throws -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try? await Task.sleep(for: interval)
        }
        return false
    }
}

/// `GET <url>/health` until it answers 200: the moment a user's first request would succeed.
struct HealthWaiter: Sendable {
    let client: HTTPClient

    func ok(_ url: String) async -> Bool {
        do {
            let response = try await client.execute(HTTPClientRequest(url: url + "/health"), timeout: .seconds(2))
            _ = try await response.body.collect(upTo: 1 << 16)
            return response.status.code == 200
        } catch { return false }
    }

    /// Polls every 2 ms; false after `limit`.
    func wait(_ url: String, limit: Duration = .seconds(60)) async -> Bool {
        await ServerAPI.poll(every: .milliseconds(2), limit: limit) { await ok(url) }
    }
}
