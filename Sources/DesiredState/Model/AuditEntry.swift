import Foundation

/// One append-only audit row. Action names follow the original service (REFERENCE.md §8).
/// Metadata never carries a key.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var id: Int64?
    public var timestamp: Date
    public var productID: UUID?
    public var userID: String?
    public var engineID: UUID?
    public var action: AuditAction
    /// `system`, a product slug, or `admin`.
    public var actor: String
    public var metadata: [String: String]
    public var durationMs: Int?

    public init(
        id: Int64? = nil, timestamp: Date, productID: UUID? = nil, userID: String? = nil, engineID: UUID? = nil,
        action: AuditAction, actor: String = "system", metadata: [String: String] = [:], durationMs: Int? = nil
    ) {
        self.id = id
        self.timestamp = timestamp
        self.productID = productID
        self.userID = userID
        self.engineID = engineID
        self.action = action
        self.actor = actor
        self.metadata = metadata
        self.durationMs = durationMs
    }

    enum CodingKeys: String, CodingKey {
        case id, timestamp, action, actor, metadata
        case productID = "product_id"
        case userID = "user_id"
        case engineID = "engine_id"
        case durationMs = "duration_ms"
    }
}

/// An audit action name. Open set (a string, coded as the bare string), with the known names
/// as constants; every action this codebase writes is one of them.
public struct AuditAction: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public static let provision: AuditAction = "provision"
    public static let start: AuditAction = "start"
    public static let stop: AuditAction = "stop"
    public static let sleep: AuditAction = "sleep"
    public static let wake: AuditAction = "wake"
    public static let destroy: AuditAction = "destroy"
    public static let rotateKey: AuditAction = "rotate_key"
    public static let healthCheck: AuditAction = "health_check"
    public static let healthFailed: AuditAction = "health_failed"
    public static let autoRestartStart: AuditAction = "auto_restart_start"
    public static let autoRestartSuccess: AuditAction = "auto_restart_success"
    public static let autoRestartFailed: AuditAction = "auto_restart_failed"
    public static let autoRestartGaveUp: AuditAction = "auto_restart_gave_up"
    public static let policyRegister: AuditAction = "policy_register"
    public static let policyUpdate: AuditAction = "policy_update"
    public static let admitDenied: AuditAction = "admit_denied"
    public static let productDelete: AuditAction = "product_delete"
    public static let rotatePlatformKey: AuditAction = "rotate_platform_key"
    public static let specUpdate: AuditAction = "spec_update"
    /// The runtime was recreated for a changed template (image, env, limits); the brain stays.
    /// A key rotation is audited as `rotate_key` instead.
    public static let recreate: AuditAction = "recreate"
    public static let garbageCollect: AuditAction = "garbage_collect"
    /// The fleet restart circuit breaker opened or closed (metadata `state`: open|closed,
    /// `failing`, `tracked`); written by the leader, read by `/status`.
    public static let restartBreaker: AuditAction = "restart_breaker"
}

/// A filter over the audit log. Every field narrows; `nil` means any.
public struct AuditQuery: Sendable, Equatable {
    public var productID: UUID?
    public var userID: String?
    public var engineID: UUID?
    public var action: AuditAction?
    public var since: Date?
    public var until: Date?
    public var limit: Int

    public init(productID: UUID? = nil, userID: String? = nil, engineID: UUID? = nil, action: AuditAction? = nil, since: Date? = nil, until: Date? = nil, limit: Int = 100) {
        self.productID = productID
        self.userID = userID
        self.engineID = engineID
        self.action = action
        self.since = since
        self.until = until
        self.limit = limit
    }
}
