import DesiredState
import Foundation
import ServiceLifecycle
import Synchronization

/// A `Store` in process memory, for tests and single-process tools. Its writes are the shared
/// `StoreLogic` over `InMemoryTransaction` (the same operations both database backends run);
/// transactions are serialized by an async lock and work on a copy of the state that replaces
/// it on commit, so a throw rolls everything back. Leases are judged on the caller's clock.
public final class InMemoryStore: Store, TransactionalStore, ChangeLogBackend, StoreRetention, Sendable {
    let state = Mutex(InMemoryState())
    let lock = AsyncLock()
    public let broadcaster = RevisionBroadcaster()
    private let activityCalls = Mutex(0)

    public init() {}

    /// How many times `recordActivity` wrote (tests check that admits are coalesced).
    public var activityWrites: Int { activityCalls.withLock { $0 } }

    /// Nothing runs in the background; returns at graceful shutdown.
    public func run() async throws { try? await gracefulShutdown() }
    public func migrate() async throws {}

    public func withStoreTransaction<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await lock.withLock {
            let tx = InMemoryTransaction(state.withLock { $0 })
            let value = try await body(tx)
            let committed = tx.state
            state.withLock { $0 = committed }
            if let revision = tx.lastRevision { broadcaster.publish(revision) }
            return value
        }
    }

    /// A consistent snapshot for a read.
    func read<T>(_ body: (InMemoryState) throws -> T) rethrows -> T {
        let snapshot = state.withLock { $0 }
        return try body(snapshot)
    }

    /// A write outside `StoreLogic` (activity, tokens, leases, audit, retention), under the lock.
    func write<T: Sendable>(_ body: @Sendable (inout InMemoryState) throws -> T) async throws -> T {
        try await lock.withLock { try state.withLock { try body(&$0) } }
    }

    // MARK: Reads

    public func product(id: UUID) async throws -> Product? { read { $0.liveProduct { $0.id == id } } }
    public func product(slug: String) async throws -> Product? { read { $0.liveProduct { $0.slug == slug } } }
    public func product(apiKeyHash: String) async throws -> Product? { read { $0.liveProduct { $0.apiKeyHash == apiKeyHash } } }

    public func listProducts() async throws -> [Product] {
        read { state in
            state.products.filter { state.deletedProducts[$0.id] == nil }
                .sorted { ($0.createdAt, $0.slug) < ($1.createdAt, $1.slug) }
        }
    }

    public func engine(id: UUID) async throws -> EngineRecord? { read { $0.engines.first { $0.id == id } } }

    /// Prefers the live engine; falls back to the newest one marked for deletion.
    public func engine(productID: UUID, userID: String) async throws -> EngineRecord? {
        read { state in
            let rows = state.engines.filter { $0.productID == productID && $0.userID == userID }
            return rows.first { !$0.isMarkedForDeletion } ?? rows.last
        }
    }

    public func listEngines(_ query: EngineQuery) async throws -> EnginePage {
        read { state in
            let matching = state.engines.filter { engine in
                (query.productID == nil || engine.productID == query.productID)
                    && (query.phase == nil || engine.status.phase == query.phase)
                    && (query.includeMarkedForDeletion || !engine.isMarkedForDeletion)
            }
            let page = matching.dropFirst(max(0, query.offset)).prefix(max(0, query.limit))
            return EnginePage(engines: Array(page), total: matching.count)
        }
    }

    public func engineSummaries() async throws -> [EngineSummary] {
        read { state in
            state.engines.map { engine in
                EngineSummary(
                    id: engine.id, productID: engine.productID, userID: engine.userID, spec: engine.spec, keyVersion: engine.keyVersion,
                    markedForDeletion: engine.isMarkedForDeletion, generation: engine.generation,
                    observedGeneration: engine.status.observedGeneration, phase: engine.status.phase, ready: engine.status.isReady,
                    runtimeID: engine.status.runtimeID, keyScheme: engine.keyScheme
                )
            }
        }
    }

    public func phaseCounts(productID: UUID?) async throws -> [EnginePhase: Int] {
        read { state in
            var counts: [EnginePhase: Int] = [:]
            for engine in state.engines where productID == nil || engine.productID == productID {
                counts[engine.status.phase, default: 0] += 1
            }
            return counts
        }
    }

    // MARK: Writes outside a StoreLogic transaction

    /// Never moves an activity time backwards; no revision (activity is not a change).
    public func recordActivity(_ activity: [UUID: Date]) async throws {
        guard !activity.isEmpty else { return }
        activityCalls.withLock { $0 += 1 }
        try await write { state in
            for index in state.engines.indices {
                guard let time = activity[state.engines[index].id] else { continue }
                state.engines[index].lastActivityAt = max(state.engines[index].lastActivityAt ?? .distantPast, time)
            }
        }
    }

    public func finalizeProductDeletions() async throws -> [UUID] {
        try await write { state in
            let gone = state.products.filter { product in
                state.deletedProducts[product.id] != nil && !state.engines.contains { $0.productID == product.id }
            }.map(\.id)
            state.products.removeAll { gone.contains($0.id) }
            for id in gone { state.deletedProducts[id] = nil }
            return gone
        }
    }

    public func currentRevision() async throws -> Int64 { read { $0.revision } }

    public func changeRows(since revision: Int64, limit: Int) async throws -> [Change] {
        read { Array($0.changes.filter { $0.revision > revision }.prefix(limit)) }
    }

    /// The same refill arithmetic as the SQL upsert of both database backends.
    public func takeToken(key: String, capacity: Int, refillPerSecond: Double, now: Date) async throws -> TokenDecision {
        guard capacity >= 1 else { return TokenDecision(allowed: false, retryAfter: TokenMath.noRefillRetry, remaining: 0) }
        let rate = max(0, refillPerSecond)
        let t = StoreJSON.seconds(now)
        let (allowed, tokens) = try await write { state -> (Bool, Double) in
            guard let bucket = state.buckets[key] else {
                state.buckets[key] = (Double(capacity) - 1, t)
                return (true, Double(capacity) - 1)
            }
            let refilled = min(Double(capacity), bucket.tokens + max(0, t - bucket.updatedAt) * rate)
            let allowed = refilled >= 1
            let tokens = refilled - (allowed ? 1 : 0)
            state.buckets[key] = (tokens, max(bucket.updatedAt, t))
            return (allowed, tokens)
        }
        return TokenMath.decision(allowed: allowed, tokens: tokens, refillPerSecond: rate)
    }

    /// Taken when free, expired, or already ours (renewal), on the caller's clock (`now`).
    public func acquireLease(name: String, holder: String, ttl: Duration, now: Date) async throws -> Bool {
        let t = StoreJSON.seconds(now)
        return try await write { state in
            if let lease = state.leases[name], lease.holder != holder, lease.expiresAt > t { return false }
            state.leases[name] = (holder, t + TokenMath.seconds(ttl))
            return true
        }
    }

    public func releaseLease(name: String, holder: String) async throws {
        try await write { state in
            if state.leases[name]?.holder == holder { state.leases[name] = nil }
        }
    }

    public func appendAudit(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await write { state in
            for var entry in entries {
                state.nextAuditID += 1
                entry.id = state.nextAuditID
                state.audit.append(entry)
            }
        }
    }

    /// Newest first. `since` is inclusive, `until` exclusive.
    public func audit(_ query: AuditQuery) async throws -> [AuditEntry] {
        read { state in
            let matching = state.audit.filter { entry in
                (query.productID == nil || entry.productID == query.productID) && (query.userID == nil || entry.userID == query.userID)
                    && (query.engineID == nil || entry.engineID == query.engineID) && (query.action == nil || entry.action == query.action)
                    && (query.since.map { entry.timestamp >= $0 } ?? true) && (query.until.map { entry.timestamp < $0 } ?? true)
            }
            let sorted = matching.sorted { ($0.timestamp, $0.id ?? 0) > ($1.timestamp, $1.id ?? 0) }
            return Array(sorted.prefix(max(0, query.limit)))
        }
    }

    // MARK: Retention

    public func compactChanges(keepingLast: Int64) async throws -> Int64 {
        try await write { state in
            state.compactedThrough = max(state.compactedThrough, state.revision - max(1, keepingLast))
            let through = state.compactedThrough
            state.changes.removeAll { $0.revision <= through }
            return through
        }
    }

    public func compactedThrough() async throws -> Int64 { read { $0.compactedThrough } }

    public func pruneAudit(before cutoff: Date) async throws -> Int {
        try await write { state in
            let breaker = state.audit.filter { $0.action == .restartBreaker }.compactMap(\.id).max()
            let before = state.audit.count
            state.audit.removeAll { $0.timestamp < cutoff && $0.id != breaker }
            return before - state.audit.count
        }
    }
}

/// Everything an `InMemoryStore` holds; engines in creation order (the databases' `seq`).
struct InMemoryState: Sendable {
    var products: [Product] = []
    var deletedProducts: [UUID: Date] = [:]
    var engines: [EngineRecord] = []
    var changes: [Change] = []
    var revision: Int64 = 0
    var compactedThrough: Int64 = 0
    var audit: [AuditEntry] = []
    var nextAuditID: Int64 = 0
    var buckets: [String: (tokens: Double, updatedAt: Double)] = [:]
    var leases: [String: (holder: String, expiresAt: Double)] = [:]

    func liveProduct(where match: (Product) -> Bool) -> Product? {
        products.first { deletedProducts[$0.id] == nil && match($0) }
    }
}
