import Yams

/// One YAML node being read as part of a fleet document, with its field path. Every typed read
/// either returns the value or throws a `FleetSpecError` at the node's line and column.
struct YAMLCursor {
    let node: Node
    let path: String
    let context: YAMLReadContext

    init(node: Node, path: String, context: YAMLReadContext) throws(FleetSpecError) {
        self.node = node
        self.path = path
        self.context = context
        try context.charge(node, path: path)
    }

    var location: SourceLocation { context.location(node) }

    func fail(_ message: String) -> FleetSpecError {
        FleetSpecError(location, field: path, message)
    }

    /// True for `~`, `null` and an empty value: an optional field written as null is absent.
    var isNull: Bool {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
        return node.null != nil
    }

    /// A word for the node's type, for "expected a string, got a list".
    var typeName: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            if isNull { return "null" }
            if node.bool != nil { return "a boolean" }
            if node.int != nil { return "an integer" }
            if node.float != nil { return "a number" }
            return "a string"
        }
    }

    private func scalar(_ expected: String) throws(FleetSpecError) -> Node.Scalar {
        guard case .scalar(let s) = node, !isNull else { throw fail("expected \(expected), got \(typeName)") }
        return s
    }

    /// Any scalar except null and booleans, read as written: `user: 007` is the string "007".
    /// A boolean is refused rather than turned into "true" (quote it: `"yes"`).
    func string() throws(FleetSpecError) -> String {
        let s = try scalar("a string")
        if s.style == .plain, node.bool != nil { throw fail("expected a string, got a boolean (quote it)") }
        return s.string
    }

    func int() throws(FleetSpecError) -> Int {
        _ = try scalar("an integer")
        guard let value = node.int else { throw fail("expected an integer, got \(typeName)") }
        return value
    }

    func bool() throws(FleetSpecError) -> Bool {
        _ = try scalar("true or false")
        guard let value = node.bool else { throw fail("expected true or false, got \(typeName)") }
        return value
    }

    /// An integer or a decimal number.
    func double() throws(FleetSpecError) -> Double {
        _ = try scalar("a number")
        if let value = node.int { return Double(value) }
        guard let value = node.float, value.isFinite else { throw fail("expected a number, got \(typeName)") }
        return value
    }

    /// One of the enum's raw values; the message lists them.
    func oneOf<E: RawRepresentable & CaseIterable>(_: E.Type) throws(FleetSpecError) -> E where E.RawValue == String {
        let text = try string()
        guard let value = E(rawValue: text) else {
            throw fail("must be one of \(E.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        return value
    }

    /// Seconds, written as a number or with a unit: `900`, `"15m"`, `"2h"`, `"7d"`.
    func durationSeconds() throws(FleetSpecError) -> Int {
        if node.int != nil { return try int() }
        let text = try string()
        guard let seconds = DurationSeconds.parse(text) else {
            throw fail("expected seconds or a duration like '15m', '2h', '7d', got '\(text)'")
        }
        return seconds
    }

    /// The items of a list.
    func list() throws(FleetSpecError) -> [YAMLCursor] {
        guard case .sequence(let seq) = node else { throw fail("expected a list, got \(typeName)") }
        var items: [YAMLCursor] = []
        items.reserveCapacity(seq.count)
        for (i, item) in seq.enumerated() { items.append(try YAMLCursor(node: item, path: "\(path)[\(i)]", context: context)) }
        return items
    }

    /// The node as a mapping whose keys must all be in `allowed`.
    func mapping(allowed: [String]) throws(FleetSpecError) -> YAMLMappingCursor {
        try YAMLMappingCursor(self, allowed: allowed)
    }
}
