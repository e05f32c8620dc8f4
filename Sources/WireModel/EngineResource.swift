import DesiredState
import Foundation

/// A `/v1` engine resource: identity, spec (what was asked), status (what the controller saw),
/// Kubernetes style. Never carries a key: keys come from the original's endpoints only. The
/// server writes it (`GET`/`PUT`/`PATCH` of an engine, lists, watch `engine` events); the CLI
/// reads it.
public struct EngineResource: Codable, Sendable {
    public var engineID: UUID
    public var productID: UUID
    /// The product's slug.
    public var product: String
    public var userID: String
    public var generation: Int64
    public var revision: Int64
    public var spec: EngineSpec
    public var status: EngineStatus
    public var createdAt: Date
    public var deletionRequestedAt: Date?
    public var lastActivityAt: Date?

    public init(_ engine: EngineRecord, productSlug: String) {
        engineID = engine.id
        productID = engine.productID
        product = productSlug
        userID = engine.userID
        generation = engine.generation
        revision = engine.revision
        spec = engine.spec
        status = engine.status
        createdAt = engine.createdAt
        deletionRequestedAt = engine.deletionRequestedAt
        lastActivityAt = engine.lastActivityAt
    }

    enum CodingKeys: String, CodingKey {
        case engineID = "engine_id"
        case productID = "product_id"
        case product
        case userID = "user_id"
        case generation, revision, spec, status
        case observedGeneration = "observed_generation"
        case conditions
        case createdAt = "created_at"
        case deletionRequestedAt = "deletion_requested_at"
        case lastActivityAt = "last_activity_at"
    }

    /// Ids lowercase; unknown times written as `null`. `observed_generation` and `conditions`
    /// are repeated at the top level for `wait` clients.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(engineID.uuidString.lowercased(), forKey: .engineID)
        try c.encode(productID.uuidString.lowercased(), forKey: .productID)
        try c.encode(product, forKey: .product)
        try c.encode(userID, forKey: .userID)
        try c.encode(generation, forKey: .generation)
        try c.encode(revision, forKey: .revision)
        try c.encode(spec, forKey: .spec)
        try c.encode(status, forKey: .status)
        try c.encode(status.observedGeneration, forKey: .observedGeneration)
        try c.encode(status.conditions, forKey: .conditions)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(deletionRequestedAt, forKey: .deletionRequestedAt)
        try c.encode(lastActivityAt, forKey: .lastActivityAt)
    }

    /// Reads what `encode` writes; the top-level repeats of `status` fields are not read.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        engineID = try c.decode(UUID.self, forKey: .engineID)
        productID = try c.decode(UUID.self, forKey: .productID)
        product = try c.decode(String.self, forKey: .product)
        userID = try c.decode(String.self, forKey: .userID)
        generation = try c.decode(Int64.self, forKey: .generation)
        revision = try c.decode(Int64.self, forKey: .revision)
        spec = try c.decode(EngineSpec.self, forKey: .spec)
        status = try c.decode(EngineStatus.self, forKey: .status)
        createdAt = try c.decode(Date.self, forKey: .createdAt)
        deletionRequestedAt = try c.decodeIfPresent(Date.self, forKey: .deletionRequestedAt)
        lastActivityAt = try c.decodeIfPresent(Date.self, forKey: .lastActivityAt)
    }
}

/// `GET /v1/products/{product}/engines` answer (one page; `total` counts every match).
public struct EngineResourceList: Codable, Sendable {
    public var engines: [EngineResource]
    public var total: Int

    public init(engines: [EngineResource], total: Int) {
        self.engines = engines
        self.total = total
    }
}
