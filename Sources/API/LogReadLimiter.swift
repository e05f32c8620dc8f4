import Foundation

/// Counts the engine log reads running per product, so one product cannot hold every
/// runtime read at once (each read may walk up to 1 MiB of a file or a Docker stream).
actor LogReadLimiter {
    private let limit: Int
    private var active: [UUID: Int] = [:]

    init(limit: Int) { self.limit = limit }

    /// Takes a slot for `product`; false when it already has `limit` reads running.
    func acquire(_ product: UUID) -> Bool {
        let now = active[product, default: 0]
        guard now < limit else { return false }
        active[product] = now + 1
        return true
    }

    func release(_ product: UUID) {
        let now = active[product, default: 1] - 1
        active[product] = now > 0 ? now : nil
    }

    /// Runs `body` in a slot of `product`; 429 `TOO_MANY_LOG_READS` with `Retry-After: 1`
    /// when none is free.
    func withSlot<T: Sendable>(_ product: UUID, _ body: @Sendable () async throws -> T) async throws -> T {
        guard acquire(product) else {
            throw APIError(.tooManyRequests, "TOO_MANY_LOG_READS", "Too many log reads of this product at once; retry shortly.", headers: ["Retry-After": "1"])
        }
        defer { release(product) }
        return try await body()
    }
}
