/// A `kind: Engine` document: the desired state of one user's engine. A field left out keeps
/// the live value (or the default for a new engine: `awake`, key generation 1), so re-applying
/// a file never wakes an engine the idle sleeper put to sleep, nor undoes a key rotation.
public struct EngineDocument: Sendable, Equatable {
    public var product: String
    public var user: String
    public var state: DesiredEngineState?
    public var keyGeneration: Int?
    /// Overrides the product template's image (`nil`: the template's).
    public var image: String?
    /// Where the document (or, for an engine from an `EngineSet`, its user entry) starts.
    public var location: SourceLocation

    public init(
        product: String, user: String, state: DesiredEngineState? = nil, keyGeneration: Int? = nil,
        image: String? = nil, location: SourceLocation
    ) {
        self.product = product
        self.user = user
        self.state = state
        self.keyGeneration = keyGeneration
        self.image = image
        self.location = location
    }

    /// The engine's identity within the fleet.
    public var key: EngineKey { EngineKey(product: product, user: user) }

    /// The spec to write, given the live spec (if the engine exists).
    public func resolved(live: EngineSpec?) -> EngineSpec {
        EngineSpec(
            state: state ?? live?.state ?? .awake,
            keyGeneration: keyGeneration ?? live?.keyGeneration ?? 1,
            image: image
        )
    }

    static let fields = ["kind", "product", "user", "state", "key_generation", "image"]
}

/// An engine's identity in a fleet: product slug and user id.
public struct EngineKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var product: String
    public var user: String

    public init(product: String, user: String) {
        self.product = product
        self.user = user
    }

    public var description: String { "\(product)/\(user)" }

    public static func < (a: EngineKey, b: EngineKey) -> Bool {
        (a.product, a.user) < (b.product, b.user)
    }
}
