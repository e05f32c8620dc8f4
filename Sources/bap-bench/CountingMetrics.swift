import Metrics
import Synchronization

/// A swift-metrics backend that only counts timer recordings by label: how many reconciles
/// the controller finished (`bap_reconcile_duration_seconds`), without Prometheus.
final class CountingMetrics: MetricsFactory {
    static let shared = CountingMetrics()
    private let counts = Mutex<[String: Int]>([:])

    func count(_ label: String) -> Int { counts.withLock { $0[label] ?? 0 } }

    fileprivate func bump(_ label: String) { counts.withLock { $0[label, default: 0] += 1 } }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { Ignored() }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { Ignored() }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { CountingTimer(label: label, owner: self) }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    private final class Ignored: CounterHandler, RecorderHandler {
        func increment(by: Int64) {}
        func reset() {}
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
    }

    private final class CountingTimer: TimerHandler {
        let label: String
        let owner: CountingMetrics
        init(label: String, owner: CountingMetrics) { self.label = label; self.owner = owner }
        func recordNanoseconds(_ duration: Int64) { owner.bump(label) }
    }
}
