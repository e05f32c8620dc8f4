import DesiredState
import Foundation
import Testing

/// The JSON Schema editors validate fleet files with (`FleetJSONSchema`): the committed copy is
/// what the code generates, its fields are the parser's, and a real JSON Schema validator
/// (Python's `jsonschema`, draft-07) gives the parser's verdict on the example, on wrong fields
/// and at every range bound.
@Suite("Fleet JSON Schema")
struct FleetSchemaTests {
    static let repoRoot = FleetSpecTests.repoRoot
    static let committedPath = "deploy/schema/fleet.schema.json"

    static func schemaObject() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: FleetJSONSchema.json) as? [String: Any])
    }

    @Test("the committed deploy/schema/fleet.schema.json is byte for byte what the code generates")
    func committedCopyIsCurrent() throws {
        let committed = try Data(contentsOf: Self.repoRoot.appendingPathComponent(Self.committedPath))
        #expect(committed == FleetJSONSchema.json, """
            \(Self.committedPath) is stale; regenerate it from a running server: \
            curl -s localhost:8000\(FleetJSONSchema.path) > \(Self.committedPath)
            """)
    }

    @Test("every kind's properties are exactly the fields the parser reads, and closed")
    func fieldsAreTheParsers() throws {
        let schema = try Self.schemaObject()
        let definitions = try #require(schema["definitions"] as? [String: Any])
        for (kind, fields) in FleetJSONSchema.kindFields {
            let object = try #require(definitions[kind] as? [String: Any], "definition of \(kind)")
            let properties = try #require(object["properties"] as? [String: Any])
            #expect(Set(properties.keys) == Set(fields), "\(kind)")
            #expect(object["additionalProperties"] as? Bool == false, "\(kind) is closed")
            for (name, value) in properties {
                #expect(!((value as? [String: Any])?.isEmpty ?? true), "\(kind).\(name) has a definition")
            }
        }
        for (name, fields) in [("Policy", FleetJSONSchema.policyFields), ("Template", FleetJSONSchema.templateFields)] {
            let object = try #require(definitions[name] as? [String: Any])
            let properties = try #require(object["properties"] as? [String: Any])
            #expect(Set(properties.keys) == Set(fields), "\(name)")
            for (field, value) in properties { #expect(!((value as? [String: Any])?.isEmpty ?? true), "\(name).\(field) has a definition") }
        }
        #expect(schema["$schema"] as? String == "http://json-schema.org/draft-07/schema#")
    }

    @Test("examples/fleet.yaml names the schema on its first line for the YAML language server")
    func exampleNamesTheSchema() throws {
        let text = try String(contentsOf: Self.repoRoot.appendingPathComponent("examples/fleet.yaml"), encoding: .utf8)
        let first = try #require(text.split(separator: "\n").first)
        #expect(first == "# yaml-language-server: $schema=../deploy/schema/fleet.schema.json")
        let target = Self.repoRoot.appendingPathComponent("examples").appendingPathComponent("../deploy/schema/fleet.schema.json").standardized
        #expect(FileManager.default.fileExists(atPath: target.path), "the modeline's relative path resolves")
    }

    /// One fleet text, and whether the parser accepts it.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        var testDescription: String { name }
    }

    static let product = "kind: Product\nslug: demo\ndisplay_name: Demo\n"

    /// Valid and invalid documents; each must get the same verdict from the parser and the schema.
    static let cases: [Case] = [
        Case(name: "a minimal product", yaml: product),
        Case(name: "a misspelled product field", yaml: product + "stat: 1\n"),
        Case(name: "a misspelled policy field", yaml: product + "policy:\n  max_engine: 5\n"),
        Case(name: "a misspelled template field", yaml: product + "policy:\n  template:\n    memory: 5\n"),
        Case(name: "an unknown kind", yaml: "kind: Pod\nslug: demo\n"),
        Case(name: "no kind", yaml: "slug: demo\ndisplay_name: Demo\n"),
        Case(name: "a product without display_name", yaml: "kind: Product\nslug: demo\n"),
        Case(name: "an uppercase slug", yaml: "kind: Product\nslug: Demo\ndisplay_name: Demo\n"),
        Case(name: "a slug starting with '-'", yaml: "kind: Product\nslug: -demo\ndisplay_name: Demo\n"),
        Case(name: "max_engines 0 (lowest)", yaml: product + "policy:\n  max_engines: 0\n"),
        Case(name: "max_engines -1", yaml: product + "policy:\n  max_engines: -1\n"),
        Case(name: "max_engines 10000000 (highest)", yaml: product + "policy:\n  max_engines: 10000000\n"),
        Case(name: "max_engines 10000001", yaml: product + "policy:\n  max_engines: 10000001\n"),
        Case(name: "max_engines as a string", yaml: product + "policy:\n  max_engines: lots\n"),
        Case(name: "rate_limit_rpm 0", yaml: product + "policy:\n  rate_limit_rpm: 0\n"),
        Case(name: "rate_limit_rpm 1", yaml: product + "policy:\n  rate_limit_rpm: 1\n"),
        Case(name: "idle_sleep_after 15m", yaml: product + "policy:\n  idle_sleep_after: 15m\n"),
        Case(name: "idle_sleep_after 900", yaml: product + "policy:\n  idle_sleep_after: 900\n"),
        Case(name: "idle_sleep_after 15 minutes", yaml: product + "policy:\n  idle_sleep_after: 15 minutes\n"),
        Case(name: "sleep_mode pause", yaml: product + "policy:\n  sleep_mode: pause\n"),
        Case(name: "sleep_mode freeze", yaml: product + "policy:\n  sleep_mode: freeze\n"),
        Case(name: "auto_wake a string", yaml: product + "policy:\n  auto_wake: sometimes\n"),
        Case(name: "memory_mb 16 (lowest)", yaml: product + "policy:\n  template:\n    memory_mb: 16\n"),
        Case(name: "memory_mb 15", yaml: product + "policy:\n  template:\n    memory_mb: 15\n"),
        Case(name: "cpus 0.5", yaml: product + "policy:\n  template:\n    cpus: 0.5\n"),
        Case(name: "cpus 0", yaml: product + "policy:\n  template:\n    cpus: 0\n"),
        Case(name: "cpus 257", yaml: product + "policy:\n  template:\n    cpus: 257\n"),
        Case(name: "an env variable", yaml: product + "policy:\n  template:\n    env:\n      LOG_LEVEL: info\n"),
        Case(name: "a reserved env variable", yaml: product + "policy:\n  template:\n    env:\n      PORT: '1'\n"),
        Case(name: "an env name with '-'", yaml: product + "policy:\n  template:\n    env:\n      LOG-LEVEL: info\n"),
        Case(name: "an image with a space", yaml: product + "policy:\n  template:\n    image: 'a b'\n"),
        Case(name: "an engine", yaml: "kind: Engine\nproduct: demo\nuser: alice\nstate: asleep\nkey_generation: 3\nimage: e:1\n"),
        Case(name: "an engine without user", yaml: "kind: Engine\nproduct: demo\n"),
        Case(name: "an engine in state running", yaml: "kind: Engine\nproduct: demo\nuser: alice\nstate: running\n"),
        Case(name: "key_generation 0", yaml: "kind: Engine\nproduct: demo\nuser: alice\nkey_generation: 0\n"),
        Case(name: "key_generation 1000000000 (highest)", yaml: "kind: Engine\nproduct: demo\nuser: alice\nkey_generation: 1000000000\n"),
        Case(name: "key_generation 1000000001", yaml: "kind: Engine\nproduct: demo\nuser: alice\nkey_generation: 1000000001\n"),
        Case(name: "an engine with a template field", yaml: "kind: Engine\nproduct: demo\nuser: alice\nmemory_mb: 64\n"),
        Case(name: "a numeric user id", yaml: "kind: Engine\nproduct: demo\nuser: 7\n"),
        Case(name: "an engine set of named users", yaml: "kind: EngineSet\nproduct: demo\nusers: [a, b]\n"),
        Case(name: "an engine set of numbered users", yaml: "kind: EngineSet\nproduct: demo\ncount: 3\nprefix: u-\n"),
        Case(name: "an engine set with count but no prefix", yaml: "kind: EngineSet\nproduct: demo\ncount: 3\n"),
        Case(name: "an engine set of nobody", yaml: "kind: EngineSet\nproduct: demo\nstate: awake\n"),
        Case(name: "an engine set with a negative count", yaml: "kind: EngineSet\nproduct: demo\ncount: -1\nusers: [a]\n"),
        Case(name: "an engine set with a user field", yaml: "kind: EngineSet\nproduct: demo\nuser: a\n"),
    ]

    @Test("the parser and a JSON Schema validator agree on each document", arguments: cases)
    func parserAndSchemaAgree(_ c: Case) throws {
        let parsed = (try? FleetParser.parse(c.yaml, file: "case.yaml")) != nil
        let verdicts = try Self.validate([c.yaml])
        #expect(verdicts == [parsed], "parser says \(parsed ? "valid" : "invalid"), schema says \(verdicts)")
    }

    @Test("examples/fleet.yaml validates against the schema, and each wrong-field variant of it does not")
    func exampleValidates() throws {
        let text = try String(contentsOf: Self.repoRoot.appendingPathComponent("examples/fleet.yaml"), encoding: .utf8)
        let wrongTop = text.replacingOccurrences(of: "display_name: Demo app", with: "display_nam: Demo app")
        let wrongPolicy = text.replacingOccurrences(of: "  rate_limit_rpm: 600", with: "  rate_limit: 600")
        let wrongEngine = text.replacingOccurrences(of: "state: asleep ", with: "state: sleepy ")
        #expect(wrongTop != text && wrongPolicy != text && wrongEngine != text, "the variants change the example")
        #expect(try Self.validate([text, wrongTop, wrongPolicy, wrongEngine]) == [true, false, false, false])
    }

    /// Validates each fleet text (every `---` document) with Python's `jsonschema` (draft-07)
    /// against the generated schema; one verdict per text.
    static func validate(_ texts: [String]) throws -> [Bool] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bap-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FleetJSONSchema.json.write(to: dir.appendingPathComponent("schema.json"))
        try JSONSerialization.data(withJSONObject: texts).write(to: dir.appendingPathComponent("texts.json"))
        let script = """
            import json, sys, yaml, jsonschema
            schema = json.load(open(sys.argv[1] + "/schema.json"))
            jsonschema.Draft7Validator.check_schema(schema)
            validator = jsonschema.Draft7Validator(schema)
            out = []
            for text in json.load(open(sys.argv[1] + "/texts.json")):
                docs = [d for d in yaml.safe_load_all(text) if d is not None]
                out.append(bool(docs) and all(validator.is_valid(d) for d in docs))
            print(json.dumps(out))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, dir.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python3 jsonschema: \(String(decoding: errors, as: UTF8.self))")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [Bool])
    }
}
