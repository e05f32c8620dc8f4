import Foundation

/// A condition's reason: an UpperCamelCase token (`ImageNotFound`, `CrashLoopBackOff`…).
/// Open set, coded as the bare string (the standard library's `RawRepresentable` coding), so
/// the wire and the stored status read as before; every reason this codebase writes or
/// compares is a constant here, so no module compares strings.
/// Not `ExpressibleByStringLiteral` on purpose: a reason is named, never spelled out.
public struct ConditionReason: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    // Ready.
    /// `Ready=True`: the engine answers /health with ok.
    public static let engineHealthy = ConditionReason(rawValue: "EngineHealthy")
    /// Running, once Ready, and its /health says not ok now (say, its provider is down).
    public static let engineUnready = ConditionReason(rawValue: "EngineUnready")
    public static let booting = ConditionReason(rawValue: "Booting")
    public static let asleep = ConditionReason(rawValue: "Asleep")
    public static let stopped = ConditionReason(rawValue: "Stopped")
    public static let destroying = ConditionReason(rawValue: "Destroying")

    // Progressing.
    public static let converged = ConditionReason(rawValue: "Converged")
    public static let creating = ConditionReason(rawValue: "Creating")
    public static let starting = ConditionReason(rawValue: "Starting")
    public static let stopping = ConditionReason(rawValue: "Stopping")
    public static let pausing = ConditionReason(rawValue: "Pausing")
    public static let waking = ConditionReason(rawValue: "Waking")
    public static let removing = ConditionReason(rawValue: "Removing")
    public static let backOff = ConditionReason(rawValue: "BackOff")
    public static let waitingForReady = ConditionReason(rawValue: "WaitingForReady")

    // Degraded.
    /// `Degraded=False`.
    public static let asExpected = ConditionReason(rawValue: "AsExpected")
    /// Crashed; a restart is scheduled (backoff).
    public static let crashLoopBackOff = ConditionReason(rawValue: "CrashLoopBackOff")
    /// The fleet restart circuit breaker holds restarts.
    public static let restartsHeld = ConditionReason(rawValue: "RestartsHeld")
    /// Terminal: automatic restarts gave up.
    public static let restartsExhausted = ConditionReason(rawValue: "RestartsExhausted")
    /// Terminal: the runtime spec cannot be built (the message says why, e.g. a missing master key).
    public static let invalidSpec = ConditionReason(rawValue: "InvalidSpec")
    /// Why the runtime spec builder failed (logged; the condition says `InvalidSpec`).
    public static let masterKeyMissing = ConditionReason(rawValue: "MasterKeyMissing")

    // Idle sweeps (the audit metadata `reason` of a `sleep` or `destroy` the sweeper wrote).
    /// Idle past the product's idle timeout: put to sleep.
    public static let idleTimeout = ConditionReason(rawValue: "IdleTimeout")
    /// Asleep past the product's limit: destroyed.
    public static let asleepTooLong = ConditionReason(rawValue: "AsleepTooLong")

    // Runtime failures, one per driver error code (same spelling as the driver's code).
    /// Terminal: the image is missing and cannot be pulled.
    public static let imageNotFound = ConditionReason(rawValue: "ImageNotFound")
    public static let portExhausted = ConditionReason(rawValue: "PortExhausted")
    public static let notFound = ConditionReason(rawValue: "NotFound")
    public static let conflict = ConditionReason(rawValue: "Conflict")
    public static let staleRuntime = ConditionReason(rawValue: "StaleRuntime")
    public static let runtimeUnavailable = ConditionReason(rawValue: "RuntimeUnavailable")
    /// Terminal: the runtime refused the request for a reason retrying will not fix.
    public static let runtimeRejected = ConditionReason(rawValue: "RuntimeRejected")
}
