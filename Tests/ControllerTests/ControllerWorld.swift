import AsyncHTTPClient
import Controller
import DesiredState
import Foundation
import Logging
import NIOCore
import Synchronization
import TestSupport
@testable import Drivers

/// One integration test's world: a fresh Postgres database, a Docker driver scoped to a run
/// id, a product whose template runs the real Engine image, and controllers to run. Everything
/// it creates is labelled with the run id and removed afterwards.
struct ControllerWorld: Sendable {
    let store: any Store
    let driver: DockerDriver
    let keys: EngineKeyDeriver
    let runID: String
    let image: String
    let http: HTTPClient

    static let logger: Logger = {
        var logger = Logger(label: "bap.test.controller")
        logger.logLevel = .warning
        return logger
    }()

    private static let nextBlock = Mutex(0)

    /// Runs `body` in a fresh world (with `replicas` stores on one database) and cleans up.
    static func with(replicas: Int = 1, _ body: @Sendable ([ControllerWorld]) async throws -> Void) async throws {
        let runID = TestEnvironment.runID()
        let block = nextBlock.withLock { v in v += 1; return v }
        let base = 30000 + (block % 20) * 100  // below the ephemeral range, see DriverHarness
        let driver = DockerDriver(configuration: .init(socketPath: try TestEnvironment.dockerSocket(), portRange: base...(base + 99), scopeLabels: ["bap.test-run": runID]))
        let keys = EngineKeyDeriver(keyring: try MasterKeyring(parsing: MasterKeyring.generateKeyText()))
        let image = try TestEnvironment.engineImage()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await StoreFactory.withStores(.postgres, count: replicas) { stores in
                let worlds = stores.map { ControllerWorld(store: $0, driver: driver, keys: keys, runID: runID, image: image, http: http) }
                try await body(worlds)
            }
        } catch {
            await cleanUp(driver)
            try? await http.shutdown()
            throw error
        }
        await cleanUp(driver)
        try await http.shutdown()
    }

    static func cleanUp(_ driver: DockerDriver) async {
        for engine in (try? await driver.list()) ?? [] { try? await driver.remove(engine.engineID, keepBrain: false) }
    }

    /// Fast settings so the curves can be watched in seconds.
    static func settings(holder: String = "test-\(UUID().uuidString.prefix(6))") -> ControllerConfiguration {
        ControllerConfiguration(
            workers: 8, resyncInterval: .seconds(30), healthInterval: .seconds(1), healthTimeout: .seconds(1), idleSweepInterval: .seconds(1),
            planner: PlannerSettings(restart: RestartPolicy(backoff: Backoff(base: .seconds(1), max: .seconds(4)), maxAttempts: 3), stopGrace: .seconds(2), bootTimeout: .seconds(20), maxLivenessFailures: 2),
            holderID: holder, leaseTTL: .seconds(3), leaseRenew: .seconds(1), leaseRetry: .milliseconds(300)
        )
    }

    func controller(driver: (any EngineDriver)? = nil, holder: String = "test-\(UUID().uuidString.prefix(6))") -> Controller {
        let probe = HTTPHealthProbe(client: http, timeout: .seconds(1))
        return Controller(
            store: store, driver: driver ?? self.driver, builder: RuntimeSpecBuilder(defaultImage: image, keys: keys),
            configuration: Self.settings(holder: holder), probe: { await probe($0) }, logger: Self.logger
        )
    }

    /// Runs `controller` while `body` runs, then cancels it.
    func running(_ controller: Controller, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await controller.run() }
            defer { group.cancelAll() }
            try await body()
        }
    }

    func product(env: [String: String] = [:], policy: Policy = Policy()) async throws -> Product {
        var policy = policy
        policy.template = EngineTemplate(image: image, env: env)
        let slug = "p-\(runID)-\(UUID().uuidString.prefix(4).lowercased())"
        return try await store.createProduct(Product(id: UUID(), slug: slug, displayName: slug, apiKeyHash: SecretHash.sha256Hex(slug), policy: policy, createdAt: Date()))
    }

    func engine(_ product: Product, _ user: String, state: DesiredEngineState = .awake) async throws -> EngineRecord {
        try await store.createEngine(NewEngine(productID: product.id, userID: user, spec: EngineSpec(state: state), keyVersion: keys.currentVersion), maxEngines: nil, now: Date())
    }

    func setState(_ engine: EngineRecord, _ state: DesiredEngineState, keyGeneration: Int? = nil) async throws -> EngineRecord {
        guard let current = try await store.engine(id: engine.id) else { throw StoreError(.engineNotFound) }
        var spec = current.spec
        spec.state = state
        if let keyGeneration { spec.keyGeneration = keyGeneration }
        return try await store.updateSpec(engineID: engine.id, spec: spec, expectedGeneration: nil, now: Date())
    }

    /// Waits until the engine is Ready for its current generation.
    func waitReady(_ id: UUID, timeout: Duration = .seconds(60)) async throws -> EngineRecord {
        var last: EngineRecord?
        try await eventually(timeout: timeout, "engine \(id) Ready") {
            last = try await store.engine(id: id)
            guard let e = last else { return false }
            return e.status.isReady && e.status.phase == .running && e.status.observedGeneration == e.generation
        }
        guard let last else { throw StoreError(.engineNotFound) }
        return last
    }

    func waitPhase(_ id: UUID, _ phase: EnginePhase, timeout: Duration = .seconds(60)) async throws {
        try await eventually(timeout: timeout, "engine \(id) \(phase)") {
            guard let e = try await store.engine(id: id) else { return false }
            return e.status.phase == phase && e.status.observedGeneration == e.generation
        }
    }

    /// `GET /memory/export` with a key; returns status and body.
    func export(_ url: String, key: String) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url + "/memory/export")
        request.headers.add(name: "X-Engine-Key", value: key)
        let response = try await http.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// `POST /execute` so the brain has something in it.
    func execute(_ url: String, key: String, message: String) async throws -> Int {
        var request = HTTPClientRequest(url: url + "/execute")
        request.method = .POST
        request.headers.add(name: "X-Engine-Key", value: key)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"message":"\#(message)","task_id":"t1"}"#))
        let response = try await http.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// `docker kill` through the API, behind the controller's back.
    func dockerKill(_ id: UUID) async throws {
        let reply = try await DockerClient(socketPath: try TestEnvironment.dockerSocket())
            .send(.POST, "/containers/\(DockerLabels.containerName(id))/kill", query: [("signal", "KILL")])
        guard reply.status == 204 else { throw DriverError(.unavailable, "docker kill answered \(reply.status)") }
    }

    func audit(_ id: UUID, _ action: AuditAction) async throws -> [AuditEntry] {
        try await store.audit(AuditQuery(engineID: id, action: action, limit: 100)).sorted { $0.timestamp < $1.timestamp }
    }
}
