import Foundation

/// A tenant: one product (BAP, a demo app, …) with its own platform key, policy and engines.
public struct Product: Sendable, Equatable, Codable {
    public var id: UUID
    public var slug: String
    public var displayName: String
    /// Hex SHA-256 of the platform key. The key itself is never stored.
    public var apiKeyHash: String
    public var policy: Policy
    public var createdAt: Date
    /// Bumped on every change to the product (policy replace, key rotation).
    public var generation: Int64

    public init(id: UUID, slug: String, displayName: String, apiKeyHash: String, policy: Policy, createdAt: Date, generation: Int64 = 1) {
        self.id = id
        self.slug = slug
        self.displayName = displayName
        self.apiKeyHash = apiKeyHash
        self.policy = policy
        self.createdAt = createdAt
        self.generation = generation
    }

    enum CodingKeys: String, CodingKey {
        case id, slug, policy, generation
        case displayName = "display_name"
        case apiKeyHash = "api_key_hash"
        case createdAt = "created_at"
    }
}
