/// A parsed, validated fleet file: desired state only, never status. Engines from
/// `EngineSet`s are already expanded; every product slug and every (product, user) appears once.
public struct FleetSpec: Sendable, Equatable {
    public var products: [ProductDocument]
    public var engines: [EngineDocument]

    public init(products: [ProductDocument] = [], engines: [EngineDocument] = []) {
        self.products = products
        self.engines = engines
    }

    /// Every product the file names: by a `Product` document or as the product of an engine.
    /// Sorted. These are the products `--prune` looks at.
    public var namedProducts: [String] {
        Array(Set(products.map(\.slug)).union(engines.map(\.product))).sorted()
    }
}
