import Foundation

/// The fleet restart circuit breaker in `/status`. Open: more than half of the probed engines
/// failed at once, so automatic restarts are held.
public struct RestartBreakerStatus: Codable, Sendable {
    public var open: Bool
    /// When it last opened or closed; absent when it never opened.
    public var since: Date?
    public var failing_engines: Int?
    public var probed_engines: Int?

    public init(open: Bool, since: Date?, failing_engines: Int?, probed_engines: Int?) {
        self.open = open
        self.since = since
        self.failing_engines = failing_engines
        self.probed_engines = probed_engines
    }
}
