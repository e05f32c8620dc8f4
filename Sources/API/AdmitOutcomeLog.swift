import Foundation
import Synchronization

/// Admit outcomes per product and wall-clock minute, kept in memory for the last
/// `retainedMinutes` (the console's "admits over the last minutes"). Prometheus'
/// `bap_admit_outcomes_total` has no product label (a product key must see only its own); this
/// does. Per process: with several replicas each answers for the admits it served.
///
/// Bounded: one small dictionary per (product, minute) that saw an admit, minutes older than
/// the window dropped on every record; outcomes are the fixed labels `Admission` records.
public final class AdmitOutcomeLog: Sendable {
    public static let retainedMinutes = 60

    struct Key: Hashable {
        var productID: UUID
        var minute: Int64
    }

    private let counts = Mutex<[Key: [String: Int]]>([:])

    public init() {}

    static func minute(of date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / 60).rounded(.down)) }

    /// Counts one admit of `productID` with `outcome` at `date`.
    public func record(productID: UUID, outcome: String, at date: Date) {
        let minute = Self.minute(of: date)
        let key = Key(productID: productID, minute: minute)
        counts.withLock { counts in
            // Pruning only when a (product, minute) starts keeps the common path one write.
            if counts[key] == nil {
                let oldest = minute - Int64(Self.retainedMinutes)
                counts = counts.filter { $0.key.minute > oldest }
            }
            counts[key, default: [:]][outcome, default: 0] += 1
        }
    }

    /// How many (product, minute) buckets are held (bounded by products × the window).
    public var storedBucketCount: Int { counts.withLock { $0.count } }

    /// One bucket per minute of the last `minutes` (oldest first, the current minute last,
    /// empty minutes included), for one product or (nil) every product.
    public func buckets(productID: UUID?, minutes: Int, now: Date) -> [(start: Date, outcomes: [String: Int])] {
        let current = Self.minute(of: now)
        let first = current - Int64(max(1, min(minutes, Self.retainedMinutes))) + 1
        var merged: [Int64: [String: Int]] = [:]
        counts.withLock { counts in
            for (key, outcomes) in counts where key.minute >= first && key.minute <= current && (productID == nil || key.productID == productID) {
                merged[key.minute, default: [:]].merge(outcomes, uniquingKeysWith: +)
            }
        }
        return (first...current).map { minute in (Date(timeIntervalSince1970: Double(minute) * 60), merged[minute] ?? [:]) }
    }
}
