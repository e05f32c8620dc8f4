import Foundation

/// One engine as the store holds it: identity, desired spec, bookkeeping and last status.
public struct EngineRecord: Sendable, Equatable {
    public var id: UUID
    public var productID: UUID
    public var userID: String
    public var spec: EngineSpec
    /// Bumped by the store on every spec change (never by a status write).
    public var generation: Int64
    /// Which master key derives this engine's key (see `EngineKeyDeriver`).
    public var keyVersion: Int
    /// How the key is derived: 1 = (product, user, generation), the rows that existed before
    /// migration 3; 2 = the same plus the engine id, every engine created since, so a new
    /// incarnation of a user's engine never gets back a destroyed one's key.
    public var keyScheme: Int
    /// Set when deletion was asked for; the row goes away only after the runtime is cleaned up.
    public var deletionRequestedAt: Date?
    public var createdAt: Date
    /// When `spec` last changed (used for "asleep since", wake latency).
    public var specChangedAt: Date
    /// Last admit (coalesced; may lag by the flush interval).
    public var lastActivityAt: Date?
    public var status: EngineStatus
    /// The global revision of the last change to this row.
    public var revision: Int64

    public init(
        id: UUID, productID: UUID, userID: String, spec: EngineSpec, generation: Int64, keyVersion: Int,
        deletionRequestedAt: Date?, createdAt: Date, specChangedAt: Date, lastActivityAt: Date?,
        status: EngineStatus, revision: Int64, keyScheme: Int = EngineKeyDeriver.currentScheme
    ) {
        self.id = id
        self.productID = productID
        self.userID = userID
        self.spec = spec
        self.generation = generation
        self.keyVersion = keyVersion
        self.keyScheme = keyScheme
        self.deletionRequestedAt = deletionRequestedAt
        self.createdAt = createdAt
        self.specChangedAt = specChangedAt
        self.lastActivityAt = lastActivityAt
        self.status = status
        self.revision = revision
    }

    public var isMarkedForDeletion: Bool { deletionRequestedAt != nil }
}
