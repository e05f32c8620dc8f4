/// A `kind: EngineSet` document: many engines of one product with a shared spec, listed by
/// name (`users: [alice, bob]`), numbered (`count: 500, prefix: load-` gives `load-1` …
/// `load-500`), or both. It is shorthand only: it expands to `EngineDocument`s, and a user may
/// appear once in the whole file.
public struct EngineSetDocument: Sendable, Equatable {
    public var product: String
    /// Named users, each with the place it was written.
    public var users: [(name: String, location: SourceLocation)]
    public var count: Int
    public var prefix: String
    /// The first number of the numbered users.
    public var start: Int
    public var state: DesiredEngineState?
    public var keyGeneration: Int?
    public var image: String?
    public var location: SourceLocation

    public init(
        product: String, users: [(name: String, location: SourceLocation)] = [], count: Int = 0,
        prefix: String = "", start: Int = 1, state: DesiredEngineState? = nil, keyGeneration: Int? = nil,
        image: String? = nil, location: SourceLocation
    ) {
        self.product = product
        self.users = users
        self.count = count
        self.prefix = prefix
        self.start = start
        self.state = state
        self.keyGeneration = keyGeneration
        self.image = image
        self.location = location
    }

    /// One `EngineDocument` per user: the named users first, then the numbered ones.
    public func expand() -> [EngineDocument] {
        var out = users.map { user in
            EngineDocument(product: product, user: user.name, state: state, keyGeneration: keyGeneration, image: image, location: user.location)
        }
        out.reserveCapacity(users.count + count)
        for n in start..<(start + count) {
            out.append(EngineDocument(product: product, user: "\(prefix)\(n)", state: state, keyGeneration: keyGeneration, image: image, location: location))
        }
        return out
    }

    public static func == (a: EngineSetDocument, b: EngineSetDocument) -> Bool {
        a.product == b.product && a.users.map(\.name) == b.users.map(\.name) && a.users.map(\.location) == b.users.map(\.location)
            && a.count == b.count && a.prefix == b.prefix && a.start == b.start && a.state == b.state
            && a.keyGeneration == b.keyGeneration && a.image == b.image && a.location == b.location
    }

    static let fields = ["kind", "product", "users", "count", "prefix", "start", "state", "key_generation", "image"]
}
