import Foundation

/// What the controller last saw of one engine. Written only by the controller, never bumps
/// `generation`. `phase` keeps the original service's `status` values.
public struct EngineStatus: Sendable, Equatable, Codable {
    public var phase: EnginePhase
    /// The spec generation this status describes. `observedGeneration < generation` means the
    /// controller has not acted on the latest spec yet.
    public var observedGeneration: Int64
    public var conditions: [Condition]
    /// Where the product reaches the engine (set while it has an endpoint).
    public var url: String?
    /// Restarts by the controller since the engine was last healthy for the reset window.
    public var restartCount: Int
    /// Total restarts over the engine's life (never reset).
    public var totalRestarts: Int
    public var lastRestartAt: Date?
    /// When the controller will look again after a failure (backoff), if it will.
    public var nextRetryAt: Date?
    /// The last error, as a sentence safe to show (never a key).
    public var lastError: String?
    public var lastHealthAt: Date?
    /// When the engine last became Ready.
    public var readySince: Date?
    public var bootDurationMs: Int?
    /// The runtime's handle (container id or pid) for `describe`.
    public var runtimeID: String?

    public init(
        phase: EnginePhase = .provisioning, observedGeneration: Int64 = 0, conditions: [Condition] = [],
        url: String? = nil, restartCount: Int = 0, totalRestarts: Int = 0, lastRestartAt: Date? = nil,
        nextRetryAt: Date? = nil, lastError: String? = nil, lastHealthAt: Date? = nil,
        readySince: Date? = nil, bootDurationMs: Int? = nil, runtimeID: String? = nil
    ) {
        self.phase = phase
        self.observedGeneration = observedGeneration
        self.conditions = conditions
        self.url = url
        self.restartCount = restartCount
        self.totalRestarts = totalRestarts
        self.lastRestartAt = lastRestartAt
        self.nextRetryAt = nextRetryAt
        self.lastError = lastError
        self.lastHealthAt = lastHealthAt
        self.readySince = readySince
        self.bootDurationMs = bootDurationMs
        self.runtimeID = runtimeID
    }

    /// The condition of that type, if set.
    public func condition(_ type: ConditionType) -> Condition? {
        conditions.first { $0.type == type }
    }

    /// True when the `Ready` condition is `True`.
    public var isReady: Bool { condition(.ready)?.status == .true }

    enum CodingKeys: String, CodingKey {
        case phase, conditions, url
        case observedGeneration = "observed_generation"
        case restartCount = "restart_count"
        case totalRestarts = "total_restarts"
        case lastRestartAt = "last_restart_at"
        case nextRetryAt = "next_retry_at"
        case lastError = "last_error"
        case lastHealthAt = "last_health_at"
        case readySince = "ready_since"
        case bootDurationMs = "boot_duration_ms"
        case runtimeID = "runtime_id"
    }
}

/// The original service's engine `status` values.
public enum EnginePhase: String, Sendable, Codable, Hashable, CaseIterable {
    case provisioning, running, sleeping, stopped, failed, destroying
}
