import Foundation

/// Exponential backoff: `base`, `2·base`, `4·base`, … capped at `max`. Pure value.
///
/// Two uses: the WorkQueue's per-key failure backoff (with jitter, so a thousand engines that
/// failed together do not retry together) and the crash-restart curve (kubelet's: the first
/// restart is immediate, then 10 s doubling to 300 s by default).
public struct Backoff: Sendable, Equatable {
    public var base: Duration
    public var max: Duration

    public init(base: Duration, max: Duration) {
        self.base = base
        self.max = max
    }

    /// The delay before retry number `failures` (1-based): base · 2^(failures-1), capped.
    /// `failures <= 0` gives zero.
    public func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        let exponent = min(failures - 1, 62)
        let baseSeconds = base.seconds
        let seconds = baseSeconds * pow(2, Double(exponent))
        return seconds >= max.seconds ? max : .seconds(seconds)
    }

    /// `delay` spread by ±`fraction` using `unit` in 0..<1 (pass a random number; tests pass a
    /// fixed one). Never negative, never above `max`.
    public func delay(afterFailures failures: Int, jitter fraction: Double, unit: Double) -> Duration {
        let d = delay(afterFailures: failures).seconds
        let spread = d * fraction * (unit * 2 - 1)
        return .seconds(Swift.max(0, Swift.min(max.seconds, d + spread)))
    }
}

/// The restart policy for crashed or dead engines (`ORCH_RESTART_*`).
public struct RestartPolicy: Sendable, Equatable {
    /// Delay before restart n ≥ 2 is `backoff.delay(afterFailures: n - 1)`; restart 1 is at once.
    public var backoff: Backoff
    /// After this many restarts without a healthy window, give up: `failed` + `auto_restart_gave_up`.
    public var maxAttempts: Int
    /// Healthy this long after a restart resets the count (kubelet: 10 minutes).
    public var resetAfter: Duration

    public init(backoff: Backoff = Backoff(base: .seconds(10), max: .seconds(300)), maxAttempts: Int = 8, resetAfter: Duration = .seconds(600)) {
        self.backoff = backoff
        self.maxAttempts = maxAttempts
        self.resetAfter = resetAfter
    }

    /// How long after the previous restart restart number `attempt` (1-based) may happen.
    public func delay(beforeAttempt attempt: Int) -> Duration {
        attempt <= 1 ? .zero : backoff.delay(afterFailures: attempt - 1)
    }
}

extension Duration {
    /// Seconds as a Double (attoseconds included).
    public var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
