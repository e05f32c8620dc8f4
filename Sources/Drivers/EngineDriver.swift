import Foundation

/// Runs engines: Docker containers, local processes, or (for scale benchmarks only) nothing.
///
/// The reconcile contract depends on every method being **idempotent**: starting a running
/// engine, stopping or removing an absent one, and creating one that already exists with the
/// same labels (adopt) all succeed. Names are derived from the engine id, never from user input.
public protocol EngineDriver: Sendable {
    /// Every managed engine, in one call (the controller's resync).
    func list() async throws(DriverError) -> [ObservedEngine]
    /// One engine; nil when it does not exist.
    func observe(_ engineID: UUID) async throws(DriverError) -> ObservedEngine?
    /// Creates the engine (not started). Exists already with the same spec hash: returns it
    /// (adopt). Exists with another spec hash: `.conflict` (the controller removes, then creates).
    func create(_ spec: RuntimeSpec) async throws(DriverError) -> ObservedEngine
    /// Running already: success. Absent: `.notFound`.
    func start(_ engineID: UUID) async throws(DriverError)
    /// SIGTERM, then SIGKILL after `grace`. Absent or stopped already: success.
    func stop(_ engineID: UUID, grace: Duration) async throws(DriverError)
    /// Freezes the engine (memory kept). Paused already: success. Absent: `.notFound`.
    func pause(_ engineID: UUID) async throws(DriverError)
    /// Paused or running: success. Absent: `.notFound`.
    func unpause(_ engineID: UUID) async throws(DriverError)
    /// Removes the engine (force: a running one is killed). `keepBrain: false` also removes
    /// its brain (volume or data dir). Absent: success.
    func remove(_ engineID: UUID, keepBrain: Bool) async throws(DriverError)
    /// Hints "look at engine X" (exits, starts, removals). The stream reconnects by itself and
    /// yields `.resync` after a reconnect, since events may have been lost meanwhile.
    func events() -> AsyncStream<DriverEvent>
    /// The last `tail` lines of the engine's output.
    func logs(_ engineID: UUID, tail: Int) async throws(DriverError) -> String
    /// Removes what the engines of a product share (Docker: the product's network) for every
    /// product not in `keepingProducts`. The controller calls it after each resync.
    func collectGarbage(keepingProducts: Set<UUID>) async throws(DriverError)
}

extension EngineDriver {
    /// Nothing shared between engines: nothing to collect.
    public func collectGarbage(keepingProducts: Set<UUID>) async throws(DriverError) {}
}

/// What to run for one engine. Everything the runtime needs comes in here; `specHash` over it
/// (minus the key hash, which `keyGeneration` stands for) decides whether to recreate.
public struct RuntimeSpec: Sendable, Hashable {
    public var engineID: UUID
    public var productID: UUID
    /// The product-chosen user id: a label only, never part of a name or path.
    public var userID: String
    public var image: String
    /// Extra environment (template env and pass-through). The driver adds ENGINE_KEY_HASH,
    /// PORT, SQLITE_DB_PATH and CATALOG_DIR itself.
    public var env: [String: String]
    public var keyGeneration: Int
    /// Hex SHA-256 of the engine key; the only form of the key a runtime ever receives.
    public var keyHash: String
    public var memoryMB: Int?
    public var cpus: Double?

    public init(engineID: UUID, productID: UUID, userID: String, image: String, env: [String: String] = [:], keyGeneration: Int, keyHash: String, memoryMB: Int? = nil, cpus: Double? = nil) {
        self.engineID = engineID
        self.productID = productID
        self.userID = userID
        self.image = image
        self.env = env
        self.keyGeneration = keyGeneration
        self.keyHash = keyHash
        self.memoryMB = memoryMB
        self.cpus = cpus
    }

    /// Stable hash of what the runtime was created from (image, env, limits, key generation).
    /// A differing hash on the observed engine means "recreate".
    public var specHash: String {
        var parts = ["image=\(image)", "key=\(keyGeneration)", "mem=\(memoryMB ?? 0)", "cpus=\(cpus ?? 0)"]
        parts += env.keys.sorted().map { "env:\($0)=\(env[$0] ?? "")" }
        return SpecHashing.hash(parts.joined(separator: "\n"))
    }
}

/// What the driver saw of one engine.
public struct ObservedEngine: Sendable, Equatable {
    public var engineID: UUID
    public var productID: UUID?
    public var userID: String?
    public var state: RuntimeState
    public var exitCode: Int?
    public var oomKilled: Bool
    /// From the labels (or process metadata) written at create.
    public var specHash: String?
    public var keyGeneration: Int?
    /// Where the engine answers (`http://127.0.0.1:9001`), when it has an endpoint.
    public var url: String?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Container id or pid, for people.
    public var runtimeID: String?

    public init(engineID: UUID, productID: UUID? = nil, userID: String? = nil, state: RuntimeState, exitCode: Int? = nil, oomKilled: Bool = false, specHash: String? = nil, keyGeneration: Int? = nil, url: String? = nil, startedAt: Date? = nil, finishedAt: Date? = nil, runtimeID: String? = nil) {
        self.engineID = engineID
        self.productID = productID
        self.userID = userID
        self.state = state
        self.exitCode = exitCode
        self.oomKilled = oomKilled
        self.specHash = specHash
        self.keyGeneration = keyGeneration
        self.url = url
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.runtimeID = runtimeID
    }
}

public enum RuntimeState: String, Sendable, Hashable {
    /// Created, never started.
    case created
    case running
    case paused
    /// Stopped or crashed; see `exitCode`.
    case exited
    /// Being removed, or dead and waiting for removal.
    case removing
}

public enum DriverEvent: Sendable, Equatable {
    /// Something happened to this engine: observe it again.
    case changed(UUID)
    /// Events may have been lost (stream reconnected): relist everything.
    case resync
}

/// The one error type of the drivers. `description` is safe to show; `detail` is for logs.
public struct DriverError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The image is missing and cannot be pulled. Terminal until the spec changes.
        case imageNotFound = "ImageNotFound"
        /// No free port in the configured range.
        case portExhausted = "PortExhausted"
        case notFound = "NotFound"
        /// Exists with another spec, or a name clash the driver could not adopt.
        case conflict = "Conflict"
        /// The engine exists but cannot start in place: a task left behind by a daemon
        /// restart, or its host port taken meanwhile. Remove it (keeping the brain) and create
        /// it again; retrying the start alone does not help.
        case stale = "StaleRuntime"
        /// The runtime (dockerd, the file system) cannot be reached or refused; retry.
        case unavailable = "RuntimeUnavailable"
        /// The runtime refused the request for a reason retrying will not fix by itself
        /// (bad limits, read-only data root…).
        case rejected = "RuntimeRejected"
    }

    public var code: Code
    public var message: String
    public var detail: String

    public init(_ code: Code, _ message: String, detail: String = "") {
        self.code = code
        self.message = message
        self.detail = detail
    }

    public var description: String { message }
}
