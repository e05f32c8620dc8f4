import Foundation
import ServiceLifecycle

/// Where desired state, status, audit, rate buckets and leases live: the composition of the
/// role protocols (`DesiredStateReader`, `DesiredStateWriter`, `StatusWriter`,
/// `DeletionFinalizer`, `AuditLog`, `ChangeFeed`, `TokenBuckets`, `Leases`) plus `migrate()`.
/// Only the composition root holds a whole `Store`; the API gets `APIStore`, the controller
/// `ControllerStore`. Two implementations, each in its own target: `PostgresStore`
/// (`PostgresBackend`; production, many replicas) and `SQLiteStore` (`SQLiteBackend`; embedded
/// default, one replica; `:memory:` for unit tests). Both pass `StoreConformance`.
///
/// Every method is one transaction: it either happens whole or not at all. Every spec or
/// status change takes the next global revision and appends to the change log in the same
/// transaction, so `changes(since:)` never misses a committed change.
///
/// A `Store` is a `Service`: its `run()` must be running (in the service group, or in a test's
/// task group) for the Postgres client to serve queries.
public protocol Store: Service, DesiredStateReader, DesiredStateWriter, StatusWriter, DeletionFinalizer, AuditLog, ChangeFeed, TokenBuckets, Leases {
    /// Creates or upgrades the schema. Idempotent; safe to call from several replicas at once.
    /// The composition root's alone.
    func migrate() async throws
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
