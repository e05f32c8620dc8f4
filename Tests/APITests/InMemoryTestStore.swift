import DesiredState
import Foundation

/// A test-only, in-memory `Store` with the contract's semantics (quota in the insert, generation
/// bumps, revisions and change log, token bucket). Used until `SQLiteStore(":memory:")` lands.
actor InMemoryTestStore: Store {
    private var products: [UUID: Product] = [:]
    private var deletedProducts: Set<UUID> = []
    private var engines: [UUID: EngineRecord] = [:]
    private var auditLog: [AuditEntry] = []
    private var changeLog: [Change] = []
    private var revision: Int64 = 0
    private var buckets: [String: (tokens: Double, at: Date)] = [:]
    /// How many times `recordActivity` was called (the admit path must not write per admit).
    private(set) var activityWrites = 0
    private(set) var updateSpecCalls = 0

    func run() async throws {}
    func migrate() async throws {}

    // MARK: Products

    func createProduct(_ product: Product) async throws -> Product {
        guard !products.values.contains(where: { $0.slug == product.slug }) else { throw StoreError(.productSlugExists) }
        products[product.id] = product
        return product
    }
    func product(id: UUID) async throws -> Product? { products[id] }
    func product(slug: String) async throws -> Product? { products.values.first { $0.slug == slug } }
    func product(apiKeyHash: String) async throws -> Product? {
        products.values.first { $0.apiKeyHash == apiKeyHash && !deletedProducts.contains($0.id) }
    }
    func listProducts() async throws -> [Product] { products.values.sorted { $0.slug < $1.slug } }
    func updatePolicy(productID: UUID, policy: Policy) async throws -> Product {
        guard var product = products[productID] else { throw StoreError(.productNotFound) }
        product.policy = policy
        product.generation += 1
        products[productID] = product
        return product
    }
    func rotatePlatformKey(productID: UUID, newHash: String) async throws -> Product {
        guard var product = products[productID] else { throw StoreError(.productNotFound) }
        product.apiKeyHash = newHash
        product.generation += 1
        products[productID] = product
        return product
    }
    func deleteProduct(id: UUID, now: Date) async throws -> Int {
        guard products[id] != nil, !deletedProducts.contains(id) else { throw StoreError(.productNotFound) }
        deletedProducts.insert(id)
        let live = engines.values.filter { $0.productID == id && !$0.isMarkedForDeletion }
        for engine in live { _ = try await markForDeletion(engineID: engine.id, now: now) }
        return live.count
    }
    func finalizeProductDeletions() async throws -> [UUID] { [] }

    // MARK: Engines

    func createEngine(_ engine: NewEngine, maxEngines: Int?, now: Date) async throws -> EngineRecord {
        guard products[engine.productID] != nil, !deletedProducts.contains(engine.productID) else { throw StoreError(.productNotFound) }
        if engines.values.contains(where: { $0.productID == engine.productID && $0.userID == engine.userID && !$0.isMarkedForDeletion }) {
            throw StoreError(.engineAlreadyExists)
        }
        if let maxEngines, engines.values.filter({ $0.productID == engine.productID && !$0.isMarkedForDeletion }).count >= maxEngines {
            throw StoreError(.quotaExceeded(limit: maxEngines))
        }
        let record = EngineRecord(
            id: engine.id, productID: engine.productID, userID: engine.userID, spec: engine.spec, generation: 1,
            keyVersion: engine.keyVersion, deletionRequestedAt: nil, createdAt: now, specChangedAt: now,
            lastActivityAt: nil, status: EngineStatus(), revision: 0
        )
        return bump(record, .created)
    }
    func engine(id: UUID) async throws -> EngineRecord? { engines[id] }
    func engine(productID: UUID, userID: String) async throws -> EngineRecord? {
        let mine = engines.values.filter { $0.productID == productID && $0.userID == userID }
        return mine.first { !$0.isMarkedForDeletion } ?? mine.max { $0.createdAt < $1.createdAt }
    }
    func updateSpec(engineID: UUID, spec: EngineSpec, expectedGeneration: Int64?, now: Date) async throws -> EngineRecord {
        updateSpecCalls += 1
        guard var engine = engines[engineID], !engine.isMarkedForDeletion else { throw StoreError(.engineNotFound) }
        if let expectedGeneration, expectedGeneration != engine.generation {
            throw StoreError(.generationConflict(current: engine.generation))
        }
        guard engine.spec != spec else { return engine }
        engine.spec = spec
        engine.generation += 1
        engine.specChangedAt = now
        return bump(engine, .spec)
    }
    func markForDeletion(engineID: UUID, now: Date) async throws -> EngineRecord {
        guard var engine = engines[engineID] else { throw StoreError(.engineNotFound) }
        guard !engine.isMarkedForDeletion else { return engine }
        engine.deletionRequestedAt = now
        engine.generation += 1
        return bump(engine, .spec)
    }
    func deleteEngine(engineID: UUID) async throws {
        guard let engine = engines.removeValue(forKey: engineID) else { return }
        revision += 1
        changeLog.append(Change(revision: revision, engineID: engine.id, productID: engine.productID, userID: engine.userID, kind: .deleted))
    }
    func listEngines(_ query: EngineQuery) async throws -> EnginePage {
        let all = engines.values
            .filter { query.productID == nil || $0.productID == query.productID }
            .filter { query.phase == nil || $0.status.phase == query.phase }
            .filter { query.includeMarkedForDeletion || !$0.isMarkedForDeletion }
            .sorted { ($0.createdAt, $0.userID) < ($1.createdAt, $1.userID) }
        return EnginePage(engines: Array(all.dropFirst(query.offset).prefix(query.limit)), total: all.count)
    }
    func phaseCounts(productID: UUID?) async throws -> [EnginePhase: Int] {
        var counts: [EnginePhase: Int] = [:]
        for engine in engines.values where productID == nil || engine.productID == productID {
            counts[engine.status.phase, default: 0] += 1
        }
        return counts
    }
    func recordActivity(_ activity: [UUID: Date]) async throws {
        activityWrites += 1
        for (id, time) in activity { engines[id]?.lastActivityAt = time }
    }
    func apply(_ batch: ApplyBatch, dryRun: Bool, keyVersion: Int, now: Date) async throws -> [ApplyOutcome] { [] }

    // MARK: Status, audit, changes

    @discardableResult
    func writeStatus(engineID: UUID, status: EngineStatus) async throws -> EngineRecord? {
        guard var engine = engines[engineID] else { return nil }
        engine.status = status
        return bump(engine, .status)
    }
    func engineSummaries() async throws -> [EngineSummary] { engines.values.map(EngineSummary.init) }
    func writeStatuses(_ writes: [StatusWrite]) async throws {
        for write in writes { _ = try await writeStatus(engineID: write.engineID, status: write.status) }
    }
    func appendAudit(_ entries: [AuditEntry]) async throws {
        for var entry in entries {
            entry.id = Int64(auditLog.count + 1)
            auditLog.append(entry)
        }
    }
    func audit(_ query: AuditQuery) async throws -> [AuditEntry] {
        Array(auditLog.reversed().filter { entry in
            (query.productID == nil || entry.productID == query.productID) && (query.userID == nil || entry.userID == query.userID)
                && (query.engineID == nil || entry.engineID == query.engineID) && (query.action == nil || entry.action == query.action)
                && (query.since.map { entry.timestamp >= $0 } ?? true) && (query.until.map { entry.timestamp < $0 } ?? true)
        }.prefix(query.limit))
    }
    func currentRevision() async throws -> Int64 { revision }
    func changes(since revision: Int64, limit: Int) async throws -> [Change] {
        Array(changeLog.filter { $0.revision > revision }.prefix(limit))
    }
    func waitForChange(after revision: Int64, timeout: Duration) async throws -> Int64 {
        let deadline = ContinuousClock.now + timeout
        while self.revision <= revision, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        return self.revision
    }

    // MARK: Token bucket, leases

    func takeToken(key: String, capacity: Int, refillPerSecond: Double, now: Date) async throws -> TokenDecision {
        var (tokens, at) = buckets[key] ?? (Double(capacity), now)
        tokens = min(Double(capacity), tokens + max(0, now.timeIntervalSince(at)) * refillPerSecond)
        guard tokens >= 1 else {
            buckets[key] = (tokens, now)
            return TokenDecision(allowed: false, retryAfter: (1 - tokens) / refillPerSecond, remaining: tokens)
        }
        buckets[key] = (tokens - 1, now)
        return TokenDecision(allowed: true, retryAfter: 0, remaining: tokens - 1)
    }
    func acquireLease(name: String, holder: String, ttl: Duration, now: Date) async throws -> Bool { true }
    func releaseLease(name: String, holder: String) async throws {}

    // MARK: Test helpers


    private func bump(_ engine: EngineRecord, _ kind: ChangeKind) -> EngineRecord {
        var engine = engine
        revision += 1
        engine.revision = revision
        engines[engine.id] = engine
        changeLog.append(Change(revision: revision, engineID: engine.id, productID: engine.productID, userID: engine.userID, kind: kind))
        return engine
    }
}
