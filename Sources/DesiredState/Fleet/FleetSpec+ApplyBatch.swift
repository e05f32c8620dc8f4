extension FleetSpec {
    /// The store writes for this fleet, resolved against the live engine specs of the products
    /// it names: a field an `Engine` leaves out keeps its live value (new engines: `awake`, key
    /// generation 1).
    ///
    /// A `key_generation` lower than the live one is refused: it would make a rotated-out key
    /// valid again. `newKeyHash` gives each product the hash of a freshly generated platform
    /// key, used only if the product is created. With `prune`, engines of every named product
    /// that the file does not list are marked for deletion.
    public func applyBatch(
        live: [EngineKey: EngineSpec], prune: Bool, newKeyHash: (String) -> String
    ) throws(FleetSpecError) -> ApplyBatch {
        var batch = ApplyBatch(pruneProducts: prune ? namedProducts : [])
        batch.products = products.map {
            ProductUpsert(slug: $0.slug, displayName: $0.displayName, policy: $0.policy, newKeyHash: newKeyHash($0.slug))
        }
        batch.engines.reserveCapacity(engines.count)
        for engine in engines {
            let current = live[engine.key]
            if let wanted = engine.keyGeneration, let current, wanted < current.keyGeneration {
                throw FleetSpecError(
                    engine.location, field: "key_generation",
                    "cannot go down from the live \(current.keyGeneration) to \(wanted) (that would make an old key valid again)"
                )
            }
            batch.engines.append(EngineUpsert(productSlug: engine.product, userID: engine.user, spec: engine.resolved(live: current)))
        }
        return batch
    }

    /// The live specs in a form `applyBatch(live:)` takes, from a fleet read back from the
    /// server (`GET /v1/fleet`), where every field is explicit.
    public var specs: [EngineKey: EngineSpec] {
        Dictionary(engines.map { ($0.key, $0.resolved(live: nil)) }, uniquingKeysWith: { first, _ in first })
    }
}
