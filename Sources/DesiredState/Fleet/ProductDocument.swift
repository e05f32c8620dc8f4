/// A `kind: Product` document: a tenant with its policy and engine template. Applying it
/// creates the product (its platform key is shown once) or replaces its display name and
/// policy whole.
public struct ProductDocument: Sendable, Equatable {
    public var slug: String
    public var displayName: String
    public var policy: Policy
    /// Where the document starts.
    public var location: SourceLocation

    public init(slug: String, displayName: String, policy: Policy, location: SourceLocation) {
        self.slug = slug
        self.displayName = displayName
        self.policy = policy
        self.location = location
    }

    static let fields = ["kind", "slug", "display_name", "policy"]
}
