import Foundation
import Histogram

/// Latencies in microseconds in an HdrHistogram (3 significant digits, up to 10 minutes).
/// A value type: each client records into its own and the results are merged.
struct Latencies: Sendable {
    private(set) var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)

    var count: Int { Int(histogram.totalCount) }

    mutating func record(_ duration: Duration) {
        let micros = max(1, Int64(duration.seconds * 1e6))
        histogram.record(UInt64(min(micros, 600_000_000)))
    }

    mutating func merge(_ other: Latencies) { histogram.add(other.histogram) }

    /// The percentile in milliseconds (nil when nothing was recorded).
    func ms(_ percentile: Double) -> Double? {
        guard histogram.totalCount > 0 else { return nil }
        return Double(histogram.valueAtPercentile(percentile)) / 1000
    }
}

extension Duration {
    /// Seconds as a Double (attoseconds included).
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

/// Times `body` with the continuous clock.
func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try await body()
    return (value, clock.now - start)
}
