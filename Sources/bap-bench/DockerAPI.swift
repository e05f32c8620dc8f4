import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The few Docker Engine API calls the floors need, straight over the unix socket: the floor
/// is what a caller gets from dockerd with nothing in between.
struct DockerAPI: Sendable {
    let client: HTTPClient
    let socket: String
    /// Every container the benchmark creates carries this label (cleanup by label).
    static let label = "bap-bench"

    struct Failure: Error, CustomStringConvertible { var description: String }

    func call(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil, timeout: Int64 = 60) async throws -> (UInt, ByteBuffer) {
        guard let url = URL(httpURLWithSocketPath: socket, uri: "/v1.41" + path) else { throw Failure(description: "bad docker url \(path)") }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        request.headers.add(name: "Host", value: "docker")  // dockerd answers 400 without one
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await client.execute(request, timeout: .seconds(timeout))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (response.status.code, body)
    }

    /// Creates a container of `image` publishing its port 8000 on 127.0.0.1:`port`.
    func create(name: String, image: String, port: Int, env: [String] = []) async throws -> String {
        let body: [String: Any] = [
            "Image": image, "Env": env + ["PORT=8000", "SQLITE_DB_PATH=/tmp/brain.sqlite"],
            "Labels": [Self.label: "true"], "ExposedPorts": ["8000/tcp": [String: String]()],
            "HostConfig": ["Init": true, "PortBindings": ["8000/tcp": [["HostIp": "127.0.0.1", "HostPort": String(port)]]]],
        ]
        let (status, buffer) = try await call(.POST, "/containers/create?name=\(name)", json: body)
        guard status == 201, let object = try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any],
              let id = object["Id"] as? String else {
            throw Failure(description: "create answered \(status): \(String(buffer: buffer))")
        }
        return id
    }

    func start(_ id: String) async throws { try await expect([204, 304], .POST, "/containers/\(id)/start") }
    func pause(_ id: String) async throws { try await expect([204], .POST, "/containers/\(id)/pause") }
    func unpause(_ id: String) async throws { try await expect([204], .POST, "/containers/\(id)/unpause") }
    func stop(_ id: String) async throws { try await expect([204, 304], .POST, "/containers/\(id)/stop?t=5") }
    func kill(_ id: String) async throws { try await expect([204], .POST, "/containers/\(id)/kill") }
    func remove(_ id: String) async throws { try await expect([204, 404], .DELETE, "/containers/\(id)?force=true&v=true") }

    private func expect(_ codes: Set<UInt>, _ method: HTTPMethod, _ path: String) async throws {
        let (status, buffer) = try await call(method, path)
        guard codes.contains(status) else { throw Failure(description: "\(method) \(path) answered \(status): \(String(buffer: buffer))") }
    }

    /// Ids of containers carrying `label=value` (all states).
    func containers(label: String) async throws -> [String] {
        let filters = "{\"label\":[\"\(label)\"]}".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let (_, buffer) = try await call(.GET, "/containers/json?all=true&filters=\(filters)")
        let list = (try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [[String: Any]]) ?? []
        return list.compactMap { $0["Id"] as? String }
    }

    /// Removes every container this benchmark created.
    /// Removes every container of the floor runs, 16 at a time, until none is left (a remove
    /// that failed under load is tried again), for at most two minutes.
    func removeAll() async {
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        while ContinuousClock.now < deadline {
            guard let ids = try? await containers(label: Self.label), !ids.isEmpty else { return }
            await withTaskGroup(of: Void.self) { group in
                var pending = ids[...]
                for _ in 0..<min(16, pending.count) { let id = pending.removeFirst(); group.addTask { try? await remove(id) } }
                while await group.next() != nil {
                    if let id = pending.popFirst() { group.addTask { try? await remove(id) } }
                }
            }
        }
    }
}

extension Data {
    init(buffer: ByteBuffer) { self = Data(buffer.readableBytesView) }
}
