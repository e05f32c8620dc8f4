import Foundation

/// The JSON Schema (draft-07) of one fleet document, for editors: the YAML language server
/// validates each `---` document of a fleet file against it (`# yaml-language-server:
/// $schema=…` in `examples/fleet.yaml`). Served at `GET /v1/schema/fleet.json` and committed as
/// `deploy/schema/fleet.schema.json` (a test proves the two are the same bytes).
///
/// Built from what the parser itself reads: the property names of each kind are the parser's
/// closed field lists (`ProductDocument.fields`, `PolicyReader.fields`, …), the enums are the
/// model's `CaseIterable` types, so a field added to the parser appears here or the build's
/// tests fail. Ranges restate the model's validators; a test feeds the same documents to the
/// parser and to a JSON Schema validator and requires the same verdict at every bound.
/// Checks a schema cannot express (duplicate users, the fleet-wide engine limit, duration
/// strings out of range) stay with the parser, which reports them with line and column.
public enum FleetJSONSchema {
    /// Where the schema is served.
    public static let path = "/v1/schema/fleet.json"

    /// The schema as pretty-printed JSON with sorted keys (stable bytes) and a final newline.
    public static let json: Data = {
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // The value is built from literals only, so serialization cannot fail.
        var data = (try? JSONSerialization.data(withJSONObject: Node.object(document()).any, options: options)) ?? Data("{}".utf8)
        data.append(0x0A)
        return data
    }()

    /// The property names each kind accepts, as the parser reads them (`kind` included).
    public static var kindFields: [String: [String]] {
        ["Product": ProductDocument.fields, "Engine": EngineDocument.fields, "EngineSet": EngineSetDocument.fields]
    }

    /// The property names of `policy` and of `policy.template`, as the parser reads them.
    public static var policyFields: [String] { PolicyReader.fields }
    public static var templateFields: [String] { PolicyReader.templateFields }

    static func document() -> [String: Node] {
        [
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "bap-engine fleet document",
            "description": "One document of a fleet file (documents are separated by ---): a Product, an Engine or an EngineSet. Unknown kinds and fields are errors.",
            "type": "object",
            "required": ["kind"],
            "properties": ["kind": ["enum": .strings(FleetDocumentDecoder.kinds), "description": "Product, Engine or EngineSet."]],
            "oneOf": .array(FleetDocumentDecoder.kinds.map { ["$ref": .string("#/definitions/\($0)")] }),
            "definitions": .object(definitions()),
        ]
    }

    static func definitions() -> [String: Node] {
        [
            "Product": .object(object(kind: "Product", fields: ProductDocument.fields, required: ["kind", "slug", "display_name"],
                              description: "A product (tenant): slug, display name and policy. Applying it the first time prints its platform key once.")),
            "Engine": .object(object(kind: "Engine", fields: EngineDocument.fields, required: ["kind", "product", "user"],
                             description: "One user's engine. Fields left out keep their live value (new engines: awake, key generation 1).")),
            "EngineSet": .object(object(kind: "EngineSet", fields: EngineSetDocument.fields, required: ["kind", "product"],
                                description: "Many engines of one product with a shared spec: named users, numbered users (PREFIX<start>…), or both.",
                                extra: [
                                    "anyOf": [
                                        ["required": ["users"], "properties": ["users": ["type": "array", "minItems": 1]]],
                                        ["required": ["count"], "properties": ["count": ["type": "integer", "minimum": 1]]],
                                    ],
                                    "if": ["required": ["count"], "properties": ["count": ["type": "integer", "minimum": 1]]],
                                    "then": ["required": ["prefix"], "properties": ["prefix": ["type": ["string", "number"], "minLength": 1]]],
                                ])),
            "Policy": .object(closed(fields: PolicyReader.fields, properties: policyProperties(),
                             description: "Replaced whole on every apply. Fields left out mean no limit / the default.")),
            "Template": .object(closed(fields: PolicyReader.templateFields, properties: templateProperties(),
                               description: "What every engine of the product runs; fields left out fall back to the orchestrator's configuration.")),
            "slug": ["type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$",
                     "description": "1-63 characters: lowercase letters, digits and '-', not starting with '-'."],
            // A plain number is read as written (`user: 007` is "007"), so numbers are allowed.
            "user": [
                "description": "The product's own user id: 1-256 UTF-8 bytes, no control characters.",
                "anyOf": [["type": "string", "minLength": 1, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]+$"], ["type": "number"]],
            ],
            "image": ["type": "string", "pattern": "^[!-~]{1,256}$", "description": "An image reference like 'name:tag' (printable ASCII, no spaces)."],
            "duration": [
                "description": "Seconds, or a duration like '90s', '15m', '2h', '7d'.",
                "anyOf": [["type": "integer"], ["type": "string", "pattern": "^[0-9]+[smhd]?$"]],
            ],
        ]
    }

    /// A kind's object: exactly the parser's fields, `kind` fixed.
    static func object(kind: String, fields: [String], required: [String], description: String, extra: [String: Node] = [:]) -> [String: Node] {
        var properties = documentProperties()
        properties["kind"] = ["const": .string(kind)]
        var out = closed(fields: fields, properties: properties, description: description)
        out["required"] = .strings(required)
        out.merge(extra) { _, new in new }
        return out
    }

    /// An object with `additionalProperties: false` whose properties are `fields`, each taken
    /// from `properties` (a field without a definition is allowed with any value, and the schema
    /// test fails on it).
    static func closed(fields: [String], properties: [String: Node], description: String) -> [String: Node] {
        var chosen: [String: Node] = [:]
        for field in fields { chosen[field] = properties[field] ?? .object([:]) }
        return ["type": "object", "additionalProperties": false, "description": .string(description), "properties": .object(chosen)]
    }

    static func nullable(_ schema: Node) -> Node {
        // The parser treats an explicit null as a field left out.
        ["anyOf": [schema, ["type": "null"]]]
    }

    static func integer(_ range: ClosedRange<Int>, _ description: String) -> Node {
        nullable(["type": "integer", "minimum": .int(range.lowerBound), "maximum": .int(range.upperBound), "description": .string(description)])
    }

    static func documentProperties() -> [String: Node] {
        let states = DesiredEngineState.allCases.map(\.rawValue)
        return [
            "slug": ["$ref": "#/definitions/slug"],
            "display_name": ["type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S", "description": "Shown in `get products`; 1-200 characters."],
            "policy": nullable(["$ref": "#/definitions/Policy"]),
            "product": ["$ref": "#/definitions/slug"],
            "user": ["$ref": "#/definitions/user"],
            "users": nullable(["type": "array", "items": ["$ref": "#/definitions/user"], "description": "Named users."]),
            "count": integer(0...FleetLimits.default.maxEngines, "Numbered users: PREFIX<start> … PREFIX<start+count-1>."),
            "prefix": nullable(["type": ["string", "number"], "description": "Required with count."]),
            "start": integer(0...1_000_000_000, "First number of the numbered users (default 1)."),
            "state": nullable(["enum": .strings(states), "description": .string(states.joined(separator: " | "))]),
            "key_generation": integer(1...1_000_000_000, "Bump to rotate the engine key; it can never go down."),
            "image": nullable(["$ref": "#/definitions/image"]),
        ]
    }

    static func policyProperties() -> [String: Node] {
        let modes = SleepMode.allCases.map(\.rawValue)
        return [
            "max_engines": integer(0...10_000_000, "Engines counted against the quota; leave out for no limit."),
            "rate_limit_rpm": integer(1...100_000_000, "Admit calls per minute for the whole product."),
            "auto_provision": nullable(["type": "boolean", "description": "Admit creates a missing engine unless the request says otherwise."]),
            "auto_wake": nullable(["type": "boolean", "description": "Admit wakes a sleeping engine unless the request says otherwise."]),
            "idle_sleep_after": nullable(["$ref": "#/definitions/duration"]),
            "destroy_after_asleep": nullable(["$ref": "#/definitions/duration"]),
            "sleep_mode": nullable(["enum": .strings(modes), "description": .string(modes.joined(separator: " | "))]),
            "template": nullable(["$ref": "#/definitions/Template"]),
        ]
    }

    static func templateProperties() -> [String: Node] {
        [
            "image": nullable(["$ref": "#/definitions/image"]),
            "memory_mb": integer(16...1_048_576, "Memory limit in MiB."),
            "cpus": nullable(["type": "number", "minimum": 0.01, "maximum": 256, "description": "CPU limit."]),
            "env": nullable([
                "type": "object",
                "description": .string("Extra environment; \(EngineTemplate.reservedEnv.sorted().joined(separator: ", ")) are set by the orchestrator."),
                "propertyNames": [
                    "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,127}$",
                    "not": ["enum": .strings(EngineTemplate.reservedEnv.sorted())],
                ],
                "additionalProperties": ["type": ["string", "number"], "maxLength": 8192],
            ]),
        ]
    }

    /// A JSON value written as Swift literals (the schema is data, not `Codable` types).
    public indirect enum Node: Sendable, ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByStringLiteral,
        ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral {
        case object([String: Node])
        case array([Node])
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)

        public init(dictionaryLiteral elements: (String, Node)...) { self = .object(Dictionary(elements) { _, last in last }) }
        public init(arrayLiteral elements: Node...) { self = .array(elements) }
        public init(stringLiteral value: String) { self = .string(value) }
        public init(integerLiteral value: Int) { self = .int(value) }
        public init(floatLiteral value: Double) { self = .double(value) }
        public init(booleanLiteral value: Bool) { self = .bool(value) }

        static func strings(_ values: [String]) -> Node { .array(values.map(Node.string)) }

        /// The Foundation value `JSONSerialization` writes.
        var any: Any {
            switch self {
            case .object(let o): o.mapValues(\.any)
            case .array(let a): a.map(\.any)
            case .string(let s): s
            case .int(let i): i
            case .double(let d): d
            case .bool(let b): b
            }
        }
    }
}
