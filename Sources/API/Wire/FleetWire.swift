import DesiredState
import Foundation
import WireModel

extension StatusResponse {
    /// `ok`: nothing failed; `critical`: at least `criticalShare` of the engines failed;
    /// `degraded`: anything between. [INFERRED] the original says only "a high %": we use 25 %.
    static let criticalShare = 0.25

    /// The answer for these phase counts; the breaker from the controller's last
    /// `restart_breaker` row.
    init(counts: [EnginePhase: Int], breaker: AuditEntry?) {
        let total = counts.values.reduce(0, +)
        let unhealthy = counts[.failed] ?? 0
        let health = if unhealthy == 0 {
            "ok"
        } else if Double(unhealthy) >= Double(total) * Self.criticalShare {
            "critical"
        } else {
            "degraded"
        }
        self.init(
            total: total, by_status: Dictionary(uniqueKeysWithValues: EnginePhase.allCases.map { ($0.rawValue, counts[$0] ?? 0) }),
            health: health, unhealthy_count: unhealthy, restart_breaker: RestartBreakerStatus(breaker)
        )
    }
}

extension RestartBreakerStatus {
    /// Read from the controller's last `restart_breaker` audit row (closed when there is none).
    init(_ row: AuditEntry?) {
        self.init(
            open: row?.metadata["state"] == "open", since: row?.timestamp,
            failing_engines: row?.metadata["failing"].flatMap { Int($0) }, probed_engines: row?.metadata["tracked"].flatMap { Int($0) }
        )
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
