import Foundation
import Logging

/// Runs each engine as a local process: the embedded default (`bap-engine serve` with nothing
/// configured).
///
/// - `<dataRoot>/<engine uuid>/` holds `brain.sqlite`, `engine.log` and `engine.json` (the
///   metadata: pid, its `/proc` start time, port, spec hash, key generation, product, user).
/// - A process runs in its own session and outlives the orchestrator. A new driver over the
///   same root re-adopts it: it is ours only while `/proc/<pid>/stat` shows the recorded start
///   time, so a recycled pid is never mistaken for an engine.
/// - Ports come from the configured range and are kept across stop/start.
/// - An exit code is known only for processes this orchestrator process started (a child can
///   be reaped only by its parent); re-adopted engines that exit report no code.
public struct ProcessDriver: EngineDriver {
    public let configuration: ProcessDriverConfiguration
    let ports: PortAllocator
    let reaper: ChildReaper
    let logger: Logger

    public init(configuration: ProcessDriverConfiguration, logger: Logger = Logger(label: "bap.drivers.process")) {
        self.configuration = configuration
        self.ports = PortAllocator(range: configuration.portRange)
        self.reaper = ChildReaper.shared
        self.logger = logger
    }

    /// Every engine directory with metadata under the data root. A missing root is empty.
    public func list() async throws(DriverError) -> [ObservedEngine] {
        var engines: [ObservedEngine] = []
        for id in engineIDs() {
            if let engine = try await observe(id) { engines.append(engine) }
        }
        return engines
    }

    public func observe(_ engineID: UUID) async throws(DriverError) -> ObservedEngine? {
        guard let metadata = try load(engineID) else { return nil }
        return await observed(metadata)
    }

    /// Writes the engine's directory and metadata (no process yet). Exists with the same spec
    /// hash: returned as it is (adopt); another hash: `.conflict`. The configured executable
    /// must exist (`.imageNotFound`); an unwritable or full data root is `.rejected`. The
    /// spec's image is only a label here (it feeds the spec hash): what runs is always the
    /// operator's `ORCH_ENGINE_COMMAND`, never a path a caller wrote.
    public func create(_ spec: RuntimeSpec) async throws(DriverError) -> ObservedEngine {
        if let existing = try load(spec.engineID) {
            guard existing.specHash == spec.specHash else {
                throw DriverError(.conflict, "The engine exists with another spec; remove it first.", detail: "have \(existing.specHash), want \(spec.specHash)")
            }
            return await observed(existing)
        }
        let executable = configuration.executable
        guard access(executable, X_OK) == 0 else {
            throw DriverError(.imageNotFound, "The Engine executable does not exist or cannot be run.", detail: executable)
        }
        let inUse = Set(engineIDs().compactMap { try? load($0)?.port })
        let address = configuration.bindAddress
        let port = try await ports.reserve(for: spec.engineID, inUse: inUse) { PortProbe.isFree($0, address: address) }
        let metadata = ProcessMetadata(
            engineID: spec.engineID, productID: spec.productID, userID: spec.userID, specHash: spec.specHash,
            keyGeneration: spec.keyGeneration, port: port, executable: executable,
            environment: environment(spec, port: port), state: "created"
        )
        do {
            try FileManager.default.createDirectory(atPath: configuration.directory(spec.engineID), withIntermediateDirectories: true)
            try metadata.save(configuration.metadataPath(spec.engineID))
        } catch {
            await ports.release(engineID: spec.engineID)
            throw DriverError(.rejected, "The process driver cannot write its data root \(configuration.dataRoot) (not writable or full).", detail: "\(error)")
        }
        return await observed(metadata)
    }

    /// Kills the process if it runs, then deletes the metadata and log (`keepBrain: true`: the
    /// brain files stay, and a later create with the same id finds them) or the whole dir.
    public func remove(_ engineID: UUID, keepBrain: Bool) async throws(DriverError) {
        if try load(engineID) != nil { try await stop(engineID, grace: .zero) }
        let directory = configuration.directory(engineID)
        do {
            if keepBrain {
                for file in ["engine.json", "engine.json.tmp", "engine.log", "engine.log.1"] where FileManager.default.fileExists(atPath: "\(directory)/\(file)") {
                    try FileManager.default.removeItem(atPath: "\(directory)/\(file)")
                }
            } else if FileManager.default.fileExists(atPath: directory) {
                try FileManager.default.removeItem(atPath: directory)
            }
        } catch {
            throw DriverError(.rejected, "The engine's files could not be removed.", detail: "\(directory): \(error)")
        }
        await ports.release(engineID: engineID)
    }

    // MARK: - Helpers

    /// The engine's environment: the spec's env, then what the driver sets itself.
    func environment(_ spec: RuntimeSpec, port: Int) -> [String: String] {
        var environment = spec.env
        environment["ENGINE_KEY_HASH"] = spec.keyHash
        environment["PORT"] = String(port)
        environment["BIND_ADDRESS"] = configuration.bindAddress
        environment["SQLITE_DB_PATH"] = configuration.directory(spec.engineID) + "/brain.sqlite"
        if let catalog = configuration.catalogPath { environment["CATALOG_DIR"] = catalog }
        return environment
    }

    func engineIDs() -> [UUID] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: configuration.dataRoot)) ?? []
        return names.compactMap(UUID.init(uuidString:)).filter { FileManager.default.fileExists(atPath: configuration.metadataPath($0)) }
    }

    func load(_ engineID: UUID) throws(DriverError) -> ProcessMetadata? {
        do {
            return try ProcessMetadata.load(configuration.metadataPath(engineID))
        } catch {
            throw DriverError(.unavailable, "The engine's metadata cannot be read.", detail: "\(configuration.metadataPath(engineID)): \(error)")
        }
    }

    func observed(_ metadata: ProcessMetadata) async -> ObservedEngine {
        var engine = ObservedEngine(
            engineID: metadata.engineID, productID: metadata.productID, userID: metadata.userID, state: .created,
            specHash: metadata.specHash, keyGeneration: metadata.keyGeneration,
            url: "http://\(configuration.bindAddress == "0.0.0.0" ? "127.0.0.1" : configuration.bindAddress):\(metadata.port)"
        )
        guard let pid = metadata.pid else { return engine }
        engine.runtimeID = String(pid)
        engine.startedAt = metadata.startedAt
        switch ProcessTable.liveness(pid: pid, startTime: metadata.pidStartTime) {
        case .running: engine.state = .running
        case .stopped: engine.state = .paused
        case .dead:
            engine.state = .exited
            let exit = await reaper.exit(of: pid)
            engine.exitCode = exit?.code
            engine.finishedAt = exit?.at
        }
        return engine
    }
}
