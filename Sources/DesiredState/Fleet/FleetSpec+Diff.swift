extension FleetSpec {
    /// The two canonical texts `bap-engine diff` compares: the live objects this file is about
    /// (its products, its engines and, with `prune`, every live engine of its named products)
    /// and this file resolved against the live fleet the way apply would resolve it.
    ///
    /// `live` is the server's export (`GET /v1/fleet`), read back with `FleetParser`.
    public func diffTexts(live: FleetSpec, prune: Bool) throws(FleetSpecError) -> (live: String, local: String) {
        let batch = try applyBatch(live: live.specs, prune: false) { _ in "" }
        let declaredProducts = Set(products.map(\.slug))
        let declaredEngines = Set(engines.map(\.key))
        let named = Set(namedProducts)
        let liveProducts = live.products.filter { declaredProducts.contains($0.slug) }
            .map { ProductUpsert(slug: $0.slug, displayName: $0.displayName, policy: $0.policy, newKeyHash: "") }
        let liveEngines = live.engines
            .filter { declaredEngines.contains($0.key) || (prune && named.contains($0.product)) }
            .map { EngineUpsert(productSlug: $0.product, userID: $0.user, spec: $0.resolved(live: nil)) }
        return (FleetYAMLWriter.write(products: liveProducts, engines: liveEngines),
                FleetYAMLWriter.write(products: batch.products, engines: batch.engines))
    }
}
