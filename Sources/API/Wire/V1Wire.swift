import DesiredState
import Foundation

/// A `/v1` engine resource: identity, spec (what was asked), status (what the controller saw),
/// Kubernetes style. Never carries a key: keys come from the original's endpoints only.
struct EngineResource: Encodable, Sendable {
    var engineID: UUID
    var productID: UUID
    var product: String
    var userID: String
    var generation: Int64
    var revision: Int64
    var spec: EngineSpec
    var status: EngineStatus
    var createdAt: Date
    var deletionRequestedAt: Date?
    var lastActivityAt: Date?

    init(_ engine: EngineRecord, productSlug: String) {
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

    /// `observed_generation` and `conditions` are repeated at the top level for `wait` clients.
    func encode(to encoder: any Encoder) throws {
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
}

/// `PUT` body: `{"spec": {...}}` (closed schema; spec fields default as `EngineSpec` says,
/// except `key_generation`: left out on an existing engine, it keeps the live value, so a PUT
/// never undoes a key rotation).
struct PutEngineRequest: Decodable, Sendable {
    var spec: EngineSpec
    /// The body named no `key_generation`.
    var keyGenerationOmitted: Bool

    enum CodingKeys: String, CodingKey, CaseIterable { case spec }
    enum SpecKeys: String, CodingKey { case keyGeneration = "key_generation" }

    init(from decoder: any Decoder) throws {
        try StrictKeys.reject(unknownIn: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        spec = try c.decode(EngineSpec.self, forKey: .spec)
        keyGenerationOmitted = !(try c.nestedContainer(keyedBy: SpecKeys.self, forKey: .spec).contains(.keyGeneration))
    }

    /// The spec to write over `live`: the body's, with the live key generation when omitted.
    func spec(over live: EngineSpec) -> EngineSpec {
        var spec = self.spec
        if keyGenerationOmitted { spec.keyGeneration = live.keyGeneration }
        return spec
    }
}

/// `PATCH` body: JSON merge patch of the spec, `{"spec": {"state": "asleep"}}`. Absent fields
/// stay; `"image": null` removes the pin.
struct PatchEngineRequest: Decodable, Sendable {
    var state: DesiredEngineState?
    var keyGeneration: Int?
    var image: String??

    enum Outer: String, CodingKey, CaseIterable { case spec }
    enum Inner: String, CodingKey, CaseIterable {
        case state, image
        case keyGeneration = "key_generation"
    }

    init(from decoder: any Decoder) throws {
        try StrictKeys.reject(unknownIn: decoder, allowed: Outer.allCases.map(\.rawValue))
        let outer = try decoder.container(keyedBy: Outer.self)
        let specDecoder = try outer.superDecoder(forKey: .spec)
        try StrictKeys.reject(unknownIn: specDecoder, allowed: Inner.allCases.map(\.rawValue))
        let c = try specDecoder.container(keyedBy: Inner.self)
        state = try c.decodeIfPresent(DesiredEngineState.self, forKey: .state)
        keyGeneration = try c.decodeIfPresent(Int.self, forKey: .keyGeneration)
        if c.contains(.image) { image = .some(try c.decodeNil(forKey: .image) ? nil : try c.decode(String.self, forKey: .image)) }
    }

    func applied(to spec: EngineSpec) throws(ValidationError) -> EngineSpec {
        var spec = spec
        if let state { spec.state = state }
        if let keyGeneration { spec.keyGeneration = keyGeneration }
        if let image { spec.image = image }
        try spec.validate()
        return spec
    }
}

/// `GET /v1/products/{product}/engines` answer.
struct EngineResourceList: Encodable, Sendable {
    var engines: [EngineResource]
    var total: Int
}
