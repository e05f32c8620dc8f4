import DesiredState
import Foundation
import Synchronization

/// A `Store` that forwards everything to another and times `writeStatus` (the controller's
/// status-write latency, as the controller sees it, in the hollow scale run).
final class TimingStore: Store {
    let inner: any Store
    private let statusWrites = Mutex(Latencies())

    init(_ inner: any Store) { self.inner = inner }

    /// The latencies recorded so far, and a fresh start.
    func takeStatusWrites() -> Latencies { statusWrites.withLock { l in defer { l = Latencies() }; return l } }

    func writeStatus(engineID: UUID, status: EngineStatus) async throws -> EngineRecord? {
        let (record, took) = try await timed { try await inner.writeStatus(engineID: engineID, status: status) }
        statusWrites.withLock { $0.record(took) }
        return record
    }

    /// A batch's latency counts once per write in it: each writer waited that long.
    func writeStatuses(_ writes: [StatusWrite]) async throws {
        let (_, took) = try await timed { try await inner.writeStatuses(writes) }
        statusWrites.withLock { l in for _ in writes { l.record(took) } }
    }

    func run() async throws { try await inner.run() }
    func engineSummaries() async throws -> [EngineSummary] { try await inner.engineSummaries() }
    func migrate() async throws { try await inner.migrate() }
    func createProduct(_ product: Product) async throws -> Product { try await inner.createProduct(product) }
    func product(id: UUID) async throws -> Product? { try await inner.product(id: id) }
    func product(slug: String) async throws -> Product? { try await inner.product(slug: slug) }
    func product(apiKeyHash: String) async throws -> Product? { try await inner.product(apiKeyHash: apiKeyHash) }
    func listProducts() async throws -> [Product] { try await inner.listProducts() }
    func updatePolicy(productID: UUID, policy: Policy) async throws -> Product { try await inner.updatePolicy(productID: productID, policy: policy) }
    func rotatePlatformKey(productID: UUID, newHash: String) async throws -> Product { try await inner.rotatePlatformKey(productID: productID, newHash: newHash) }
    func deleteProduct(id: UUID, now: Date) async throws -> Int { try await inner.deleteProduct(id: id, now: now) }
    func finalizeProductDeletions() async throws -> [UUID] { try await inner.finalizeProductDeletions() }
    func createEngine(_ engine: NewEngine, maxEngines: Int?, now: Date) async throws -> EngineRecord { try await inner.createEngine(engine, maxEngines: maxEngines, now: now) }
    func engine(id: UUID) async throws -> EngineRecord? { try await inner.engine(id: id) }
    func engine(productID: UUID, userID: String) async throws -> EngineRecord? { try await inner.engine(productID: productID, userID: userID) }
    func updateSpec(engineID: UUID, spec: EngineSpec, expectedGeneration: Int64?, now: Date) async throws -> EngineRecord {
        try await inner.updateSpec(engineID: engineID, spec: spec, expectedGeneration: expectedGeneration, now: now)
    }
    func markForDeletion(engineID: UUID, now: Date) async throws -> EngineRecord { try await inner.markForDeletion(engineID: engineID, now: now) }
    func deleteEngine(engineID: UUID) async throws { try await inner.deleteEngine(engineID: engineID) }
    func listEngines(_ query: EngineQuery) async throws -> EnginePage { try await inner.listEngines(query) }
    func phaseCounts(productID: UUID?) async throws -> [EnginePhase: Int] { try await inner.phaseCounts(productID: productID) }
    func recordActivity(_ activity: [UUID: Date]) async throws { try await inner.recordActivity(activity) }
    func apply(_ batch: ApplyBatch, dryRun: Bool, keyVersion: Int, now: Date) async throws -> [ApplyOutcome] {
        try await inner.apply(batch, dryRun: dryRun, keyVersion: keyVersion, now: now)
    }
    func appendAudit(_ entries: [AuditEntry]) async throws { try await inner.appendAudit(entries) }
    func audit(_ query: AuditQuery) async throws -> [AuditEntry] { try await inner.audit(query) }
    func currentRevision() async throws -> Int64 { try await inner.currentRevision() }
    func changes(since revision: Int64, limit: Int) async throws -> [Change] { try await inner.changes(since: revision, limit: limit) }
    func waitForChange(after revision: Int64, timeout: Duration) async throws -> Int64 { try await inner.waitForChange(after: revision, timeout: timeout) }
    func takeToken(key: String, capacity: Int, refillPerSecond: Double, now: Date) async throws -> TokenDecision {
        try await inner.takeToken(key: key, capacity: capacity, refillPerSecond: refillPerSecond, now: now)
    }
    func acquireLease(name: String, holder: String, ttl: Duration, now: Date) async throws -> Bool {
        try await inner.acquireLease(name: name, holder: holder, ttl: ttl, now: now)
    }
    func releaseLease(name: String, holder: String) async throws { try await inner.releaseLease(name: name, holder: holder) }
}
