import DesiredState
import Foundation

/// Turning a bucket row into an answer, shared by both stores (the take itself is SQL).
package enum TokenMath {
    /// What `retryAfter` says when the bucket never refills.
    package static let noRefillRetry: Double = 3600

    /// `tokens` is what is left after the take (or after the refused take).
    package static func decision(allowed: Bool, tokens: Double, refillPerSecond: Double) -> TokenDecision {
        let missing = max(0, 1 - tokens)
        let retry = missing == 0 ? 0 : (refillPerSecond > 0 ? missing / refillPerSecond : noRefillRetry)
        return TokenDecision(allowed: allowed, retryAfter: retry, remaining: max(0, tokens))
    }

    package static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// `waitForChange` for both stores: broadcaster first, the backend's counter as the fallback.
package enum StoreWaiting {
    package static func waitForChange(
        after revision: Int64, timeout: Duration, broadcaster: RevisionBroadcaster, poll: Duration,
        current: () async throws -> Int64
    ) async throws -> Int64 {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let latest = broadcaster.latest
            if latest > revision { return latest }
            let now = try await current()
            broadcaster.publish(now)
            if now > revision { return now }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero || Task.isCancelled { return now }
            if let woken = await broadcaster.wait(after: revision, timeout: min(remaining, poll)) { return woken }
        }
    }
}
