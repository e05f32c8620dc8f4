import DesiredState
import Foundation
import WireModel

/// `POST /products/register` body. Closed schema; `policy` is decoded strictly.
struct RegisterRequest: Decodable, Sendable {
    var slug: String
    var displayName: String
    var policy: Policy

    enum CodingKeys: String, CodingKey, CaseIterable {
        case slug, policy
        case displayName = "display_name"
    }

    init(from decoder: any Decoder) throws {
        try StrictKeys.reject(unknownIn: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        slug = try c.decode(String.self, forKey: .slug)
        displayName = try c.decode(String.self, forKey: .displayName)
        policy = try c.decodeIfPresent(Policy.self, forKey: .policy) ?? Policy()
        try Identifiers.validateSlug(slug)
        try Identifiers.validateDisplayName(displayName)
    }
}

/// `PUT /products/{product_id}/policy` body: `{"policy": {...}}`, required.
struct PolicyRequest: Decodable, Sendable {
    var policy: Policy

    enum CodingKeys: String, CodingKey, CaseIterable { case policy }

    init(from decoder: any Decoder) throws {
        try StrictKeys.reject(unknownIn: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        policy = try decoder.container(keyedBy: CodingKeys.self).decode(Policy.self, forKey: .policy)
    }
}

/// Register answer; the platform key appears here once and nowhere else.
struct RegisterResponse: Encodable, Sendable {
    var product_id: String
    var slug: String
    var platform_api_key: String
}

extension ProductView {
    /// The product as `caller` may see it. The template's environment values are set by the
    /// operator and may be secrets (tokens for the engine): a platform key sees the variable
    /// names only, each value replaced by `ProductView.redactedValue`; the admin sees them.
    init(_ product: Product, engines: [EnginePhase: Int]? = nil, for caller: Caller) {
        var policy = product.policy
        if case .product = caller { policy.template.env = policy.template.env.mapValues { _ in Self.redactedValue } }
        self.init(
            product_id: product.id.uuidString.lowercased(), slug: product.slug, display_name: product.displayName, policy: policy,
            generation: product.generation, created_at: product.createdAt,
            engines: engines.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.key.rawValue, $0.value) }) }
        )
    }
}
