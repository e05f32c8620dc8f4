#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Hands out event timestamps in milliseconds that never repeat and never go backwards, so
/// `GET /execute/replay?after=<ms>` can resume exactly after the last event a client saw.
actor EventClock {
    private var last: Int64 = 0

    init(resumingAfter last: Int64 = 0) { self.last = last }

    func next() -> Int64 {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        last = max(now, last + 1)
        return last
    }
}
