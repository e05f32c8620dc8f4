import Foundation
import Logging

/// Runs each engine as a Docker container, through the Engine API on the daemon's unix socket.
///
/// - Container `bap-<engine uuid>`, labels `bap.managed|product|user|engine|key-generation|
///   spec-hash|port` (+ the configured scope labels), RestartPolicy `no` (the controller owns
///   restarts), docker-init as PID 1, brain volume `bap-brain-<uuid>` at `/data`, the catalog
///   read-only at `/catalog` when configured.
/// - Port 8000 is published at a host port chosen once, at create, from the configured range
///   and kept in the `bap.port` label: the engine keeps its URL across stop/start.
/// - Docker's 304 ("already so"), 404 ("gone") and 409 ("exists"/"in that state already") are
///   read as the idempotent contract requires: see each method.
public struct DockerDriver: EngineDriver {
    public let configuration: DockerDriverConfiguration
    let client: DockerClient
    let ports: PortAllocator
    let networks = NetworkGate()
    let logger: Logger

    public init(configuration: DockerDriverConfiguration = .init(), logger: Logger = Logger(label: "bap.drivers.docker")) {
        self.configuration = configuration
        self.client = DockerClient(socketPath: configuration.socketPath)
        self.ports = PortAllocator(range: configuration.portRange)
        self.logger = logger
    }

    /// One `GET /containers/json` with the managed-label filter; times and OOM are left out
    /// (see `observe`), the exit code is read from the status text.
    public func list() async throws(DriverError) -> [ObservedEngine] {
        let reply = try await client.send(.GET, "/containers/json", query: [("all", "1"), ("filters", DockerLabels.filter(scope: configuration.scopeLabels))])
        guard reply.status == 200 else { throw failure(reply, "list containers") }
        return try reply.decode([DockerContainerSummary].self).compactMap { $0.observed(urlHost: configuration.engineURLHost) }
    }

    /// Nil when no container has the engine's name, or one does but is not managed by this
    /// scope (a foreign container is not an engine; `create` reports it as a conflict).
    public func observe(_ engineID: UUID) async throws(DriverError) -> ObservedEngine? {
        guard let inspect = try await inspect(engineID), isInScope(inspect.config.labels ?? [:]) else { return nil }
        return inspect.observed(urlHost: configuration.engineURLHost)
    }

    /// Creates volume and container. A container with this name already: same spec hash →
    /// adopted and returned as it is (running or not); other hash or not ours → `.conflict`.
    /// A missing image is pulled once; not pullable → `.imageNotFound`.
    public func create(_ spec: RuntimeSpec) async throws(DriverError) -> ObservedEngine {
        if let existing = try await inspect(spec.engineID) { return try adopt(existing, spec) }
        // The image first: a create that cannot succeed must not leave a volume behind.
        try await ensureImage(spec.image)
        let port = try await reservePort(for: spec.engineID)
        try await ensureVolume(spec)
        try await ensureNetwork(for: spec.productID)
        let body = DockerContainerBody(spec: spec, port: port, configuration: configuration)
        var reply = try await createContainer(body, spec.engineID)
        if reply.status == 404, reply.text.localizedCaseInsensitiveContains("network") {
            // Collected between our ensure and the create: make it again.
            try await ensureNetwork(for: spec.productID)
            reply = try await createContainer(body, spec.engineID)
        }
        if reply.status == 404 {
            try await pull(spec.image)
            reply = try await createContainer(body, spec.engineID)
        }
        switch reply.status {
        case 201:
            let id = (try? reply.decode(CreatedID.self).id) ?? ""
            guard var engine = ObservedEngine(labels: body.labels, state: .created, urlHost: configuration.engineURLHost) else {
                throw DriverError(.unavailable, "The created container has no engine label.")
            }
            engine.runtimeID = String(id.prefix(12))
            return engine
        case 409:
            // Someone created it between our inspect and create (another replica, a retry).
            guard let existing = try await inspect(spec.engineID) else { throw failure(reply, "create container") }
            return try adopt(existing, spec)
        case 400 where reply.text.contains("invalid reference format"):
            throw DriverError(.imageNotFound, "The engine image name is not valid.", detail: "\(spec.image): \(reply.text)")
        default:
            throw failure(reply, "create container")
        }
    }

    // MARK: - Helpers

    func inspect(_ engineID: UUID) async throws(DriverError) -> DockerInspect? {
        let reply = try await client.send(.GET, "/containers/\(DockerLabels.containerName(engineID))/json")
        switch reply.status {
        case 200: return try reply.decode(DockerInspect.self)
        case 404: return nil
        default: throw failure(reply, "inspect container")
        }
    }

    private func adopt(_ existing: DockerInspect, _ spec: RuntimeSpec) throws(DriverError) -> ObservedEngine {
        let labels = existing.config.labels ?? [:]
        guard isInScope(labels), let engine = existing.observed(urlHost: configuration.engineURLHost) else {
            throw DriverError(.conflict, "A container that this orchestrator does not manage holds the engine's name.")
        }
        guard labels[DockerLabels.specHash] == spec.specHash else {
            throw DriverError(.conflict, "The engine exists with another spec; remove it first.", detail: "have \(labels[DockerLabels.specHash] ?? "none"), want \(spec.specHash)")
        }
        return engine
    }

    private func isInScope(_ labels: [String: String]) -> Bool {
        labels[DockerLabels.managed] == "true" && configuration.scopeLabels.allSatisfy { labels[$0.key] == $0.value }
    }

    /// Ports in use come from the labels of every managed container on the daemon (whatever
    /// the scope: two scopes on one host must not share a port).
    private func reservePort(for engineID: UUID) async throws(DriverError) -> Int {
        let reply = try await client.send(.GET, "/containers/json", query: [("all", "1"), ("filters", DockerLabels.filter(scope: [:]))])
        guard reply.status == 200 else { throw failure(reply, "list containers") }
        let used = try reply.decode([DockerContainerSummary].self).compactMap { $0.labels?[DockerLabels.port].flatMap { Int($0) } }
        // Probing the host only means something when the daemon publishes on this host.
        let address = configuration.publishAddress
        let local = configuration.socketPath.hasPrefix("/")
        return try await ports.reserve(for: engineID, inUse: Set(used)) { !local || PortProbe.isFree($0, address: address) }
    }

    private func ensureVolume(_ spec: RuntimeSpec) async throws(DriverError) {
        let labels = configuration.scopeLabels.merging([DockerLabels.managed: "true", DockerLabels.engine: spec.engineID.uuidString.lowercased()]) { _, new in new }
        let reply = try await client.send(.POST, "/volumes/create", body: DockerVolumeBody(name: DockerLabels.volumeName(spec.engineID), labels: labels))
        guard reply.status == 201 || reply.status == 200 else { throw failure(reply, "create volume") }
    }

    private func createContainer(_ body: DockerContainerBody, _ engineID: UUID) async throws(DriverError) -> DockerClient.Reply {
        try await client.send(.POST, "/containers/create", query: [("name", DockerLabels.containerName(engineID))], body: body)
    }

    private struct CreatedID: Decodable {
        var id: String
        enum CodingKeys: String, CodingKey { case id = "Id" }
    }

    /// Maps an unexpected answer: 404 gone, 409 conflict, other 4xx rejected, else unavailable.
    func failure(_ reply: DockerClient.Reply, _ what: String) -> DriverError {
        let detail = "\(what): HTTP \(reply.status): \(reply.text.prefix(500))"
        switch reply.status {
        case 404: return DriverError(.notFound, "The engine does not exist.", detail: detail)
        case 409: return DriverError(.conflict, "Docker refused: the engine is in a conflicting state.", detail: detail)
        case 400..<500: return DriverError(.rejected, "Docker rejected the request.", detail: detail)
        default: return DriverError(.unavailable, "Docker failed to \(what).", detail: detail)
        }
    }
}
