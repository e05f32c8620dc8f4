import Yams

/// Turns one YAML document (a mapping with `kind`) into a fleet object, reading every field
/// against its kind's closed schema and validating it with the model's own rules.
enum FleetDocumentDecoder {
    /// One decoded document.
    enum Object {
        case product(ProductDocument)
        case engine(EngineDocument)
        case engineSet(EngineSetDocument)
    }

    static let kinds = ["Product", "Engine", "EngineSet"]

    static func decode(_ root: YAMLCursor) throws(FleetSpecError) -> Object {
        guard case .mapping = root.node else {
            throw root.fail("a fleet document must be a mapping with a 'kind', got \(root.typeName)")
        }
        guard let kindValue = root.node["kind"] else { throw root.fail("missing 'kind' (one of \(kinds.joined(separator: ", ")))") }
        let kindNode = try YAMLCursor(node: kindValue, path: root.path.isEmpty ? "kind" : "\(root.path).kind", context: root.context)
        let kind = try kindNode.string()
        switch kind {
        case "Product": return .product(try product(root.mapping(allowed: ProductDocument.fields)))
        case "Engine": return .engine(try engine(root.mapping(allowed: EngineDocument.fields)))
        case "EngineSet": return .engineSet(try engineSet(root.mapping(allowed: EngineSetDocument.fields)))
        default: throw kindNode.fail("unknown kind '\(kind)' (expected one of \(kinds.joined(separator: ", ")))")
        }
    }

    static func product(_ m: YAMLMappingCursor) throws(FleetSpecError) -> ProductDocument {
        let slugCursor = try m.required("slug")
        let slug = try slugCursor.string()
        try check(slugCursor) { () throws(ValidationError) in try Identifiers.validateSlug(slug, field: "") }
        let nameCursor = try m.required("display_name")
        let displayName = try nameCursor.string()
        try check(nameCursor) { () throws(ValidationError) in try Identifiers.validateDisplayName(displayName, field: "") }
        let policy = try m.optional("policy").map { c throws(FleetSpecError) in try PolicyReader.read(c) } ?? Policy()
        return ProductDocument(slug: slug, displayName: displayName, policy: policy, location: m.cursor.location)
    }

    static func engine(_ m: YAMLMappingCursor) throws(FleetSpecError) -> EngineDocument {
        let product = try slug(m)
        let userCursor = try m.required("user")
        let user = try userID(userCursor)
        let shared = try sharedSpec(m)
        return EngineDocument(product: product, user: user, state: shared.state, keyGeneration: shared.keyGeneration, image: shared.image, location: m.cursor.location)
    }

    static func engineSet(_ m: YAMLMappingCursor) throws(FleetSpecError) -> EngineSetDocument {
        let product = try slug(m)
        var users: [(name: String, location: SourceLocation)] = []
        for item in try m.optional("users")?.list() ?? [] { users.append((try userID(item), item.location)) }
        let count = try m.optional("count")?.int() ?? 0
        let limit = m.cursor.context.limits.maxEngines
        if count < 0 || count > limit { throw try m.required("count").fail("must be between 0 and \(limit), got \(count)") }
        let prefix = try m.optional("prefix")?.string() ?? ""
        let start = try m.optional("start")?.int() ?? 1
        if start < 0 || start > 1_000_000_000 { throw try m.required("start").fail("must be between 0 and 1000000000") }
        if count > 0, prefix.isEmpty { throw FleetSpecError(m.cursor.location, field: m.childPath("prefix"), "is required with count (users are named PREFIX1, PREFIX2, …)") }
        if count > 0 { try check(m.required("prefix")) { () throws(ValidationError) in try Identifiers.validateUserID("\(prefix)\(start + count - 1)", field: "") } }
        if users.isEmpty, count == 0 { throw FleetSpecError(m.cursor.location, field: m.childPath("users"), "an EngineSet needs users, count, or both") }
        let shared = try sharedSpec(m)
        return EngineSetDocument(
            product: product, users: users, count: count, prefix: prefix, start: start,
            state: shared.state, keyGeneration: shared.keyGeneration, image: shared.image, location: m.cursor.location
        )
    }

    /// `state`, `key_generation` and `image`, as an `Engine` and an `EngineSet` write them.
    static func sharedSpec(_ m: YAMLMappingCursor) throws(FleetSpecError) -> (state: DesiredEngineState?, keyGeneration: Int?, image: String?) {
        let state = try m.optional("state")?.oneOf(DesiredEngineState.self)
        let generationCursor = try m.optional("key_generation")
        let generation = try generationCursor?.int()
        let imageCursor = try m.optional("image")
        let image = try imageCursor?.string()
        let spec = EngineSpec(state: state ?? .awake, keyGeneration: generation ?? 1, image: image)
        do { try spec.validate() } catch {
            let cursor = error.field == "image" ? imageCursor : generationCursor
            throw FleetSpecError(cursor?.location ?? m.cursor.location, field: m.childPath(error.field), error.message)
        }
        return (state, generation, image)
    }

    static func slug(_ m: YAMLMappingCursor) throws(FleetSpecError) -> String {
        let cursor = try m.required("product")
        let slug = try cursor.string()
        try check(cursor) { () throws(ValidationError) in try Identifiers.validateSlug(slug, field: "") }
        return slug
    }

    static func userID(_ cursor: YAMLCursor) throws(FleetSpecError) -> String {
        let user = try cursor.string()
        try check(cursor) { () throws(ValidationError) in try Identifiers.validateUserID(user, field: "") }
        return user
    }

    /// Runs a model validator and places its error at the cursor.
    static func check(_ cursor: YAMLCursor, _ body: () throws(ValidationError) -> Void) throws(FleetSpecError) {
        do { try body() } catch {
            let field = [cursor.path, error.field].filter { !$0.isEmpty }.joined(separator: ".")
            throw FleetSpecError(cursor.location, field: field, error.message)
        }
    }
}
