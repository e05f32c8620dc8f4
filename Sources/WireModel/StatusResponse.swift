/// `GET /status` answer (the original's shape): engines by phase and the fleet's health.
public struct StatusResponse: Codable, Sendable {
    public var total: Int
    /// Every phase, zero included.
    public var by_status: [String: Int]
    /// `ok`, `degraded` or `critical`.
    public var health: String
    public var unhealthy_count: Int
    public var restart_breaker: RestartBreakerStatus

    public init(total: Int, by_status: [String: Int], health: String, unhealthy_count: Int, restart_breaker: RestartBreakerStatus) {
        self.total = total
        self.by_status = by_status
        self.health = health
        self.unhealthy_count = unhealthy_count
        self.restart_breaker = restart_breaker
    }
}
