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
        return Self.nullWords.contains(s.string)
    }

    /// A plain `yes`, `off`, `True`… (YAML 1.1 booleans, as Yams' resolver reads them).
    var isBool: Bool {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
        return Self.boolWords.contains(s.string)
    }

    // The parser runs with Yams' `.basic` resolver (no rules) and scalars are typed here by set
    // lookup and `Int(_:)`/`Double(_:)`: Yams' default resolver runs Foundation regular
    // expressions for every scalar (and again when hashing mapping keys), which made a
    // 10k-engine file take 3.5 s instead of a fraction of a second.
    static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]
    static let boolWords: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ]

    /// A word for the node's type, for "expected a string, got a list".
    var typeName: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            if isNull { return "null" }
            if isBool { return "a boolean" }
            guard case .scalar(let s) = node, s.style == .plain else { return "a string" }
            if Int(s.string) != nil { return "an integer" }
            if Double(s.string) != nil { return "a number" }
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
        if isBool { throw fail("expected a string, got a boolean (quote it)") }
        return s.string
    }

    func int() throws(FleetSpecError) -> Int {
        let s = try scalar("an integer")
        guard s.style == .plain, let value = Int(s.string) else { throw fail("expected an integer, got \(typeName)") }
        return value
    }

    func bool() throws(FleetSpecError) -> Bool {
        let s = try scalar("true or false")
        guard isBool else { throw fail("expected true or false, got \(typeName)") }
        return ["yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].contains(s.string)
    }

    /// An integer or a decimal number.
    func double() throws(FleetSpecError) -> Double {
        let s = try scalar("a number")
        guard s.style == .plain, let value = Double(s.string), value.isFinite else { throw fail("expected a number, got \(typeName)") }
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
        if case .scalar(let s) = node, s.style == .plain, Int(s.string) != nil { return try int() }
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
