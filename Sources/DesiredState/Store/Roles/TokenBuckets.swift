import Foundation

/// Rate limiting shared by every replica (coordination, with `Leases`): the API's admission.
public protocol TokenBuckets: Sendable {
    /// Takes one token from the bucket `key` (capacity `capacity`, refilling `refillPerSecond`),
    /// atomically across every process using this store. `now` comes from the caller's clock.
    func takeToken(key: String, capacity: Int, refillPerSecond: Double, now: Date) async throws -> TokenDecision
}
