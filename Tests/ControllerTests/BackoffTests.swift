import Controller
import Testing

@Suite("Backoff")
struct BackoffTests {
    @Test("doubles from the base and stops at the cap")
    func exactSequence() {
        let backoff = Backoff(base: .seconds(10), max: .seconds(300))
        let delays = (1...8).map { backoff.delay(afterFailures: $0) }
        #expect(delays == [10, 20, 40, 80, 160, 300, 300, 300].map { Duration.seconds($0) })
        #expect(backoff.delay(afterFailures: 0) == .zero)
        #expect(backoff.delay(afterFailures: 10_000) == .seconds(300))
    }

    @Test("restart policy restarts at once the first time, then follows the kubelet curve")
    func restartCurve() {
        let policy = RestartPolicy()
        let delays = (1...9).map { policy.delay(beforeAttempt: $0) }
        #expect(delays == [0, 10, 20, 40, 80, 160, 300, 300, 300].map { Duration.seconds($0) })
    }

    @Test("jitter stays within the fraction and never exceeds the cap")
    func jitterBounds() {
        let backoff = Backoff(base: .seconds(1), max: .seconds(8))
        #expect(backoff.delay(afterFailures: 2, jitter: 0.2, unit: 0) == .seconds(1.6))
        #expect(backoff.delay(afterFailures: 2, jitter: 0.2, unit: 0.5) == .seconds(2))
        #expect(backoff.delay(afterFailures: 4, jitter: 0.5, unit: 0.999) <= .seconds(8))
    }

    @Test("token bucket lends its burst, then paces at its rate")
    func tokenBucket() {
        var bucket = TokenBucket(ratePerSecond: 10, burst: 2)
        #expect(bucket.reserve(at: .zero) == .zero)
        #expect(bucket.reserve(at: .zero) == .zero)
        #expect(bucket.reserve(at: .zero) == .milliseconds(100))
        #expect(bucket.reserve(at: .seconds(1)) == .zero)
    }
}
