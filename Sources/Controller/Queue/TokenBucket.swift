/// A token bucket as a pure value: `reserve(at:)` takes a token and says how long the caller
/// must wait for it (zero when one is there). Time is passed in as time since any fixed origin.
public struct TokenBucket: Sendable, Equatable {
    public var ratePerSecond: Double
    public var burst: Double
    private var tokens: Double
    private var last: Duration?

    public init(ratePerSecond: Double, burst: Int) {
        self.ratePerSecond = ratePerSecond
        self.burst = Double(burst)
        self.tokens = Double(burst)
    }

    /// Takes one token (possibly going into debt) and returns the wait until it is covered.
    public mutating func reserve(at now: Duration) -> Duration {
        if let last {
            tokens = min(burst, tokens + (now - last).seconds * ratePerSecond)
        }
        last = now
        tokens -= 1
        return tokens >= 0 ? .zero : .seconds(-tokens / ratePerSecond)
    }
}
