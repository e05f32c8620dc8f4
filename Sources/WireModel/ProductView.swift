import DesiredState
import Foundation

/// A product as `/v1` shows it (never the key or its hash). Who sees the template's
/// environment values is the server's decision: a platform key gets each value replaced by
/// `redactedValue`.
public struct ProductView: Codable, Sendable {
    /// What a redacted template environment value reads.
    public static let redactedValue = "<redacted>"

    public var product_id: String
    public var slug: String
    public var display_name: String
    public var policy: Policy
    public var generation: Int64
    public var created_at: Date
    /// Engines by phase: in `GET /v1/products/{product}`, absent from the list.
    public var engines: [String: Int]?

    public init(product_id: String, slug: String, display_name: String, policy: Policy, generation: Int64, created_at: Date, engines: [String: Int]?) {
        self.product_id = product_id
        self.slug = slug
        self.display_name = display_name
        self.policy = policy
        self.generation = generation
        self.created_at = created_at
        self.engines = engines
    }
}

/// `GET /v1/products` answer.
public struct ProductList: Codable, Sendable {
    public var products: [ProductView]

    public init(products: [ProductView]) { self.products = products }
}
