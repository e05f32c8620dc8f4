import DesiredState
import Foundation

/// Products change rarely and every reconcile needs one: keep them for `ttl` so the
/// reconcile hot path costs one store read (the engine), not two.
public actor ProductCache {
    private var entries: [UUID: (product: Product?, at: ContinuousClock.Instant)] = [:]
    private let store: any DesiredStateReader
    private let ttl: Duration

    public init(store: any DesiredStateReader, ttl: Duration = .seconds(2)) {
        self.store = store
        self.ttl = ttl
    }

    /// The product, from cache when fresh. A missing product is cached too (as nil).
    public func product(_ id: UUID) async throws -> Product? {
        let now = ContinuousClock.now
        if let entry = entries[id], entry.at.duration(to: now) < ttl { return entry.product }
        let product = try await store.product(id: id)
        entries[id] = (product, now)
        return product
    }

    public func invalidate() { entries.removeAll() }
}
