import Foundation
import ServiceLifecycle

/// Where desired state, status, audit, rate buckets and leases live. Two implementations:
/// `PostgresStore` (production, many replicas) and `SQLiteStore` (embedded default, one
/// replica; `:memory:` for unit tests). Both pass `StoreConformance`.
///
/// Every method is one transaction: it either happens whole or not at all. Every spec or
/// status change takes the next global revision and appends to the change log in the same
/// transaction, so `changes(since:)` never misses a committed change.
///
/// A `Store` is a `Service`: its `run()` must be running (in the service group, or in a test's
/// task group) for the Postgres client to serve queries.
public protocol Store: Service {
    /// Creates or upgrades the schema. Idempotent; safe to call from several replicas at once.
    func migrate() async throws

    // MARK: Products

    /// Throws `.productSlugExists` when the slug is taken.
    func createProduct(_ product: Product) async throws -> Product
    func product(id: UUID) async throws -> Product?
    func product(slug: String) async throws -> Product?
    func product(apiKeyHash: String) async throws -> Product?
    func listProducts() async throws -> [Product]
    /// Replaces the policy whole and bumps the product generation. `.productNotFound` if absent.
    func updatePolicy(productID: UUID, policy: Policy) async throws -> Product
    /// Replaces the stored platform-key hash. `.productNotFound` if absent.
    func rotatePlatformKey(productID: UUID, newHash: String) async throws -> Product
    /// Marks every engine of the product for deletion and removes the product row once it has
    /// no engines left (the controller calls `finalizeProductDeletions`). Returns how many
    /// engines were marked. `.productNotFound` if absent.
    func deleteProduct(id: UUID, now: Date) async throws -> Int
    /// Products whose deletion was asked and which have no engine rows left are removed.
    func finalizeProductDeletions() async throws -> [UUID]

    // MARK: Engines

    /// Inserts an engine if the product is under `maxEngines` (counted in the same
    /// transaction as the insert, so concurrent creates can never exceed it).
    /// Throws `.engineAlreadyExists`, `.quotaExceeded`, `.productNotFound`.
    func createEngine(_ engine: NewEngine, maxEngines: Int?, now: Date) async throws -> EngineRecord
    func engine(id: UUID) async throws -> EngineRecord?
    /// The live (not yet deleted) engine for this user, including one marked for deletion.
    func engine(productID: UUID, userID: String) async throws -> EngineRecord?
    /// Replaces the spec. `generation` is bumped only if the spec differs. With
    /// `expectedGeneration`, throws `.generationConflict` when it is not current.
    /// `.engineNotFound` if absent or marked for deletion.
    func updateSpec(engineID: UUID, spec: EngineSpec, expectedGeneration: Int64?, now: Date) async throws -> EngineRecord
    /// Sets the deletion mark (bumps generation once; again is a no-op). `.engineNotFound` if absent.
    func markForDeletion(engineID: UUID, now: Date) async throws -> EngineRecord
    /// Removes the row for good (after the runtime was cleaned up). Absent is fine.
    func deleteEngine(engineID: UUID) async throws
    /// Engines by product and/or phase, ordered by creation, with the total before paging.
    func listEngines(_ query: EngineQuery) async throws -> EnginePage
    /// Every engine id with its generation and revision (the controller's resync input).
    func allEngineIDs() async throws -> [UUID]
    /// Every engine row (deletion-marked included), narrow, in one read: what a resync diffs.
    func engineSummaries() async throws -> [EngineSummary]
    /// Counts engines by phase for a product (`nil`: the whole fleet), excluding none.
    func phaseCounts(productID: UUID?) async throws -> [EnginePhase: Int]
    /// Records last activity for many engines at once (coalesced by the caller). Does not
    /// bump generation or revision: activity is not a spec or status change.
    func recordActivity(_ activity: [UUID: Date]) async throws

    /// Applies a fleet spec in one transaction: products upserted by slug (policy replaced,
    /// created with `newKeyHash` when new), engines upserted by (slug, user) under quota,
    /// pruned engines marked for deletion. Engines of products not in the batch must belong to
    /// existing products (`.productNotFound` otherwise). With `dryRun` nothing is written but
    /// the outcomes are the same. Any error rolls everything back.
    func apply(_ batch: ApplyBatch, dryRun: Bool, keyVersion: Int, now: Date) async throws -> [ApplyOutcome]

    // MARK: Status

    /// Writes status only. Never bumps `generation`. Absent engine: no-op, returns nil.
    @discardableResult
    func writeStatus(engineID: UUID, status: EngineStatus) async throws -> EngineRecord?
    /// Several status writes in ONE transaction (the controller's group commit): absent
    /// engines and unchanged statuses are skipped, the rest take consecutive revisions in the
    /// order given. One engine given twice: the last status wins.
    func writeStatuses(_ writes: [StatusWrite]) async throws

    // MARK: Audit

    func appendAudit(_ entries: [AuditEntry]) async throws
    /// Newest first.
    func audit(_ query: AuditQuery) async throws -> [AuditEntry]

    // MARK: Changes

    func currentRevision() async throws -> Int64
    /// Change-log entries with revision > `revision`, oldest first, at most `limit`. Throws
    /// `.compacted(through:)` when entries after `revision` were dropped by retention.
    func changes(since revision: Int64, limit: Int) async throws -> [Change]
    /// Returns once the revision is past `revision` or `timeout` elapsed (whichever first),
    /// with the current revision. Postgres wakes on NOTIFY, falling back to a slow poll.
    func waitForChange(after revision: Int64, timeout: Duration) async throws -> Int64

    // MARK: Rate limiting

    /// Takes one token from the bucket `key` (capacity `capacity`, refilling `refillPerSecond`),
    /// atomically across every process using this store. `now` comes from the caller's clock.
    func takeToken(key: String, capacity: Int, refillPerSecond: Double, now: Date) async throws -> TokenDecision

    // MARK: Leader lease

    /// Acquires the lease `name` for `holder`, or renews it if `holder` has it. Returns false if
    /// someone else holds an unexpired lease. Expiry is judged on ONE clock shared by every
    /// contender: Postgres uses the database's `now()` and ignores `now`; SQLite (one host)
    /// uses `now`.
    func acquireLease(name: String, holder: String, ttl: Duration, now: Date) async throws -> Bool
    /// Gives the lease up if `holder` has it.
    func releaseLease(name: String, holder: String) async throws
}

/// An engine to insert.
public struct NewEngine: Sendable, Equatable {
    public var id: UUID
    public var productID: UUID
    public var userID: String
    public var spec: EngineSpec
    public var keyVersion: Int

    public init(id: UUID = UUID(), productID: UUID, userID: String, spec: EngineSpec, keyVersion: Int) {
        self.id = id
        self.productID = productID
        self.userID = userID
        self.spec = spec
        self.keyVersion = keyVersion
    }
}

public struct EngineQuery: Sendable, Equatable {
    public var productID: UUID?
    public var phase: EnginePhase?
    public var limit: Int
    public var offset: Int
    /// `false`: only live engines (the legacy API, where a deleted user is gone at once);
    /// `true` (default): terminating engines too (`/v1`, watch, the controller).
    public var includeMarkedForDeletion = true

    public init(productID: UUID? = nil, phase: EnginePhase? = nil, limit: Int = 100, offset: Int = 0) {
        self.productID = productID
        self.phase = phase
        self.limit = limit
        self.offset = offset
    }
}

public struct EnginePage: Sendable, Equatable {
    public var engines: [EngineRecord]
    public var total: Int

    public init(engines: [EngineRecord], total: Int) {
        self.engines = engines
        self.total = total
    }
}

/// The answer of a token-bucket take.
public struct TokenDecision: Sendable, Equatable {
    public var allowed: Bool
    /// Seconds until the next token (0 when allowed and tokens remain).
    public var retryAfter: Double
    public var remaining: Double

    public init(allowed: Bool, retryAfter: Double, remaining: Double) {
        self.allowed = allowed
        self.retryAfter = retryAfter
        self.remaining = remaining
    }
}
