import DesiredState
import Foundation

/// The limits a product without its own policy gets, and the fleet-wide engine cap
/// (`ORCH_DEFAULT_MAX_ENGINES`, `ORCH_DEFAULT_RATE_LIMIT_RPM`, `ORCH_MAX_ENGINES`). A product's
/// policy always wins over a default; the fleet cap holds for every product.
public struct EngineQuota: Sendable, Equatable {
    public var defaultMaxEngines: Int?
    public var defaultRateLimitRPM: Int?
    /// Live engines of all products together. Checked by a count before the insert (the
    /// per-product limit is counted inside the insert's transaction): concurrent creates can
    /// pass it by at most their number.
    public var maxEngines: Int?

    public init(defaultMaxEngines: Int? = nil, defaultRateLimitRPM: Int? = nil, maxEngines: Int? = nil) {
        self.defaultMaxEngines = defaultMaxEngines
        self.defaultRateLimitRPM = defaultRateLimitRPM
        self.maxEngines = maxEngines
    }

    public func maxEngines(for product: Product) -> Int? { product.policy.maxEngines ?? defaultMaxEngines }
    public func rateLimitRPM(for product: Product) -> Int? { product.policy.rateLimitRPM ?? defaultRateLimitRPM }
}

extension APIEnvironment {
    /// Inserts an engine under the product's limit (its policy, else the default) and the fleet
    /// cap; both refuse with 429 `QUOTA_EXCEEDED`.
    func createEngine(_ new: NewEngine, product: Product) async throws -> EngineRecord {
        let quota = configuration.quota
        if let fleet = quota.maxEngines {
            let live = try await store.phaseCounts(productID: nil).filter { $0.key != .destroying }.values.reduce(0, +)
            if live >= fleet { throw APIError.quotaExceeded(fleet) }
        }
        return try await store.createEngine(new, maxEngines: quota.maxEngines(for: product), now: now)
    }
}
