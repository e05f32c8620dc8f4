import DesiredState
import Foundation

/// `GET /status` answer (the original's shape).
struct StatusResponse: Encodable, Sendable {
    var total: Int
    var by_status: [String: Int]
    var health: String
    var unhealthy_count: Int
    /// The fleet restart circuit breaker, from the controller's last `restart_breaker` row.
    var restart_breaker: RestartBreakerStatus

    /// `ok`: nothing failed; `critical`: at least `criticalShare` of the engines failed;
    /// `degraded`: anything between. [INFERRED] the original says only "a high %": we use 25 %.
    static let criticalShare = 0.25

    init(counts: [EnginePhase: Int], breaker: AuditEntry?) {
        restart_breaker = RestartBreakerStatus(breaker)
        by_status = Dictionary(uniqueKeysWithValues: EnginePhase.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
        total = counts.values.reduce(0, +)
        unhealthy_count = counts[.failed] ?? 0
        if unhealthy_count == 0 {
            health = "ok"
        } else if Double(unhealthy_count) >= Double(total) * Self.criticalShare {
            health = "critical"
        } else {
            health = "degraded"
        }
    }
}

/// Open: more than half of the probed engines failed at once, so automatic restarts are held.
struct RestartBreakerStatus: Encodable, Sendable {
    var open: Bool
    /// When it last opened or closed; nil when it never opened.
    var since: Date?
    var failing_engines: Int?
    var probed_engines: Int?

    init(_ row: AuditEntry?) {
        open = row?.metadata["state"] == "open"
        since = row?.timestamp
        failing_engines = row?.metadata["failing"].flatMap { Int($0) }
        probed_engines = row?.metadata["tracked"].flatMap { Int($0) }
    }
}

/// `GET /metrics` with a platform key (the original's JSON).
struct MetricsResponse: Encodable, Sendable {
    var provisions_1h: Int
    var crashes_1h: Int
    var restarts_1h: Int
    var avg_boot_ms: Int
    var total_provisions: Int
    var total_destroys: Int
}

/// `GET /v1/audit` answer, newest first.
struct AuditResponse: Encodable, Sendable {
    var entries: [AuditEntryView]
}

/// One audit row on the wire: ids lowercase like every other id the API writes.
struct AuditEntryView: Encodable, Sendable {
    var entry: AuditEntry

    enum CodingKeys: String, CodingKey {
        case id, timestamp, action, actor, metadata
        case productID = "product_id"
        case userID = "user_id"
        case engineID = "engine_id"
        case durationMs = "duration_ms"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(entry.id, forKey: .id)
        try c.encode(entry.timestamp, forKey: .timestamp)
        try c.encode(entry.action, forKey: .action)
        try c.encode(entry.actor, forKey: .actor)
        try c.encode(entry.metadata, forKey: .metadata)
        try c.encodeIfPresent(entry.productID?.uuidString.lowercased(), forKey: .productID)
        try c.encodeIfPresent(entry.userID, forKey: .userID)
        try c.encodeIfPresent(entry.engineID?.uuidString.lowercased(), forKey: .engineID)
        try c.encodeIfPresent(entry.durationMs, forKey: .durationMs)
    }
}

/// `GET /v1/admit-outcomes` answer: one bucket per minute, oldest first.
struct AdmitOutcomesResponse: Encodable, Sendable {
    var window_minutes: Int
    var buckets: [AdmitOutcomeBucket]
    var totals: [String: Int]
}

/// Admits that started in the minute beginning at `start`, by outcome (`admitted`, a
/// not-admitted reason such as `engine_sleeping`, or an error code such as `rate_limited`).
struct AdmitOutcomeBucket: Encodable, Sendable {
    var start: Date
    var outcomes: [String: Int]
}
