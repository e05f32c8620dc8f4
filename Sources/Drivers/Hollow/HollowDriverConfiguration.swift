import Foundation

/// The operations of `EngineDriver`, for per-operation latencies and failures of the Hollow
/// driver.
public enum HollowOperation: String, Sendable, CaseIterable {
    case list, observe, create, start, stop, pause, unpause, remove, logs
}

/// How the Hollow driver pretends: how long each operation takes and how often it fails.
public struct HollowDriverConfiguration: Sendable {
    /// Time each operation takes (default: none). A start also waits this long before the
    /// engine counts as running.
    public var latencies: [HollowOperation: Duration]
    /// Probability (0…1) that an operation fails with `.unavailable` before doing anything.
    public var failureRates: [HollowOperation: Double]
    /// Images whose create fails with `.imageNotFound`.
    public var missingImages: Set<String>
    /// Ports handed out (engines get fake URLs; nothing listens).
    public var portRange: ClosedRange<Int>

    public init(
        latencies: [HollowOperation: Duration] = [:], failureRates: [HollowOperation: Double] = [:],
        missingImages: Set<String> = [], portRange: ClosedRange<Int> = 9001...65000
    ) {
        self.latencies = latencies
        self.failureRates = failureRates
        self.missingImages = missingImages
        self.portRange = portRange
    }

    /// Latencies close to what the Docker driver measured here (create ~10 ms, start ~250 ms,
    /// stop ~100 ms, pause/unpause ~10 ms, list/observe ~1 ms).
    public static var dockerLike: HollowDriverConfiguration {
        HollowDriverConfiguration(latencies: [
            .list: .milliseconds(1), .observe: .milliseconds(1), .create: .milliseconds(10), .start: .milliseconds(250),
            .stop: .milliseconds(100), .pause: .milliseconds(10), .unpause: .milliseconds(10), .remove: .milliseconds(10),
        ])
    }
}
