import Yams

/// A YAML mapping read against a closed schema: unknown keys, non-string keys and merge keys
/// (`<<`) are errors at the key's own line and column. (Duplicate keys never get here: Yams
/// rejects them while composing.)
struct YAMLMappingCursor {
    let cursor: YAMLCursor
    private let values: [String: Node]

    init(_ cursor: YAMLCursor, allowed: [String]) throws(FleetSpecError) {
        guard case .mapping(let mapping) = cursor.node else {
            throw cursor.fail("expected a mapping, got \(cursor.typeName)")
        }
        let allowedSet = Set(allowed)
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            let keyPath = cursor.path.isEmpty ? "" : cursor.path + "."
            guard case .scalar(let s) = key else {
                throw FleetSpecError(cursor.context.location(key), field: cursor.path, "mapping keys must be plain names")
            }
            guard allowedSet.contains(s.string) else {
                let hint = s.string == "<<" ? "merge keys (<<) are not supported" : "unknown field (allowed: \(allowed.filter { $0 != "kind" }.sorted().joined(separator: ", ")))"
                throw FleetSpecError(cursor.context.location(key), field: keyPath + s.string, hint)
            }
            values[s.string] = value
        }
        self.cursor = cursor
        self.values = values
    }

    /// The value under `key`, or nil when it is absent or written as null.
    func optional(_ key: String) throws(FleetSpecError) -> YAMLCursor? {
        guard let node = values[key] else { return nil }
        let child = try YAMLCursor(node: node, path: childPath(key), context: cursor.context)
        return child.isNull ? nil : child
    }

    /// The value under `key`; absent or null is an error at the mapping.
    func required(_ key: String) throws(FleetSpecError) -> YAMLCursor {
        guard let child = try optional(key) else {
            throw FleetSpecError(cursor.location, field: childPath(key), "is required")
        }
        return child
    }

    /// Where a field was written (its value), or the mapping itself when it is absent; used to
    /// place errors found after reading (range checks).
    func location(ofPath dotted: String) -> SourceLocation {
        var node = cursor.node
        for part in dotted.split(separator: ".") {
            guard let next = node[String(part)] else { break }
            node = next
        }
        return cursor.context.location(node)
    }

    func childPath(_ key: String) -> String {
        cursor.path.isEmpty ? key : "\(cursor.path).\(key)"
    }
}
