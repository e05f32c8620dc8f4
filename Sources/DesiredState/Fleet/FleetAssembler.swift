/// Puts decoded documents together into a `FleetSpec`: expands engine sets and refuses a
/// product or an engine declared twice, naming both places.
enum FleetAssembler {
    static func assemble(_ objects: [FleetDocumentDecoder.Object], limits: FleetLimits, file: String) throws(FleetSpecError) -> FleetSpec {
        var spec = FleetSpec()
        var productAt: [String: SourceLocation] = [:]
        var engineAt: [EngineKey: SourceLocation] = [:]
        func add(_ engine: EngineDocument) throws(FleetSpecError) {
            if let first = engineAt.updateValue(engine.location, forKey: engine.key) {
                throw FleetSpecError(engine.location, field: "user", "duplicate Engine '\(engine.key)' (first declared at \(first))")
            }
            guard spec.engines.count < limits.maxEngines else {
                throw FleetSpecError(engine.location, "too many engines (limit \(limits.maxEngines))")
            }
            spec.engines.append(engine)
        }
        for object in objects {
            switch object {
            case .product(let product):
                if let first = productAt.updateValue(product.location, forKey: product.slug) {
                    throw FleetSpecError(product.location, field: "slug", "duplicate Product '\(product.slug)' (first declared at \(first))")
                }
                spec.products.append(product)
            case .engine(let engine):
                try add(engine)
            case .engineSet(let set):
                guard spec.engines.count + set.users.count + set.count <= limits.maxEngines else {
                    throw FleetSpecError(set.location, "too many engines (limit \(limits.maxEngines))")
                }
                for engine in set.expand() { try add(engine) }
            }
        }
        return spec
    }
}
