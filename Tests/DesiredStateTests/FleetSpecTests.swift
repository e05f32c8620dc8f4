import DesiredState
import Foundation
import Testing

@Suite("Fleet spec files")
struct FleetSpecTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("examples/fleet.yaml decodes, validates and shows every field")
    func exampleDecodes() throws {
        let text = try String(contentsOf: Self.repoRoot.appendingPathComponent("examples/fleet.yaml"), encoding: .utf8)
        let fleet = try FleetParser.parse(text, file: "examples/fleet.yaml")
        #expect(fleet.products.map(\.slug) == ["demo"])
        let policy = try #require(fleet.products.first?.policy)
        #expect(policy.maxEngines == 100 && policy.rateLimitRPM == 600)
        #expect(policy.autoProvision == true && policy.autoWake == true)
        #expect(policy.idleSleepAfter == 900 && policy.destroyAfterAsleep == 30 * 86_400)
        #expect(policy.sleepMode == .stop)
        #expect(policy.template == EngineTemplate(image: "bap-example-engine:latest", env: ["LOG_LEVEL": "info"], memoryMB: 512, cpus: 0.5))
        #expect(fleet.engines.map(\.user) == ["alice", "bob", "carol", "dave", "load-1", "load-2", "load-3"])
        let alice = try #require(fleet.engines.first)
        #expect(alice.state == .awake && alice.keyGeneration == 1 && alice.image == "bap-example-engine:latest")
        #expect(fleet.engines[1].state == .asleep && fleet.engines[1].keyGeneration == nil)
        #expect(alice.location.line == 27)  // the document's first key, after its comment
    }

    @Test("a file naming an unknown product in an engine still parses; the store decides")
    func namedProducts() throws {
        let fleet = try FleetParser.parse("kind: Engine\nproduct: other\nuser: u1\n", file: "f.yaml")
        #expect(fleet.namedProducts == ["other"])
    }

    /// One bad input, and where and what the error must say.
    struct BadCase: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let location: String
        let field: String
        let message: String
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        .init(name: "invalid YAML", yaml: "kind: Engine\nproduct: [demo\nuser: a\n", location: "f.yaml:3:5", field: "", message: "invalid YAML"),
        .init(name: "tab indentation", yaml: "kind: Product\nslug: a\n\tdisplay_name: x\n", location: "f.yaml:3:1", field: "", message: "invalid YAML"),
        .init(name: "unknown kind", yaml: "kind: Engin\nproduct: demo\nuser: a\n", location: "f.yaml:1:7", field: "kind", message: "unknown kind 'Engin'"),
        .init(name: "missing kind", yaml: "product: demo\nuser: a\n", location: "f.yaml:1:1", field: "", message: "missing 'kind'"),
        .init(name: "unknown field", yaml: "kind: Engine\nproduct: demo\nuser: a\nstat: awake\n", location: "f.yaml:4:1", field: "stat", message: "unknown field"),
        .init(name: "unknown nested field", yaml: "kind: Product\nslug: demo\ndisplay_name: D\npolicy:\n  template:\n    memory: 5\n", location: "f.yaml:6:5", field: "policy.template.memory", message: "unknown field"),
        .init(name: "wrong type", yaml: "kind: Product\nslug: demo\ndisplay_name: D\npolicy:\n  max_engines: lots\n", location: "f.yaml:5:16", field: "policy.max_engines", message: "expected an integer, got a string"),
        .init(name: "out of range", yaml: "kind: Product\nslug: demo\ndisplay_name: D\npolicy:\n  max_engines: -1\n", location: "f.yaml:5:16", field: "policy.max_engines", message: "must be between"),
        .init(name: "reserved env", yaml: "kind: Product\nslug: demo\ndisplay_name: D\npolicy:\n  template:\n    env:\n      PORT: 1\n", location: "f.yaml:7:13", field: "policy.template.env.PORT", message: "cannot be overridden"),
        .init(name: "bad state", yaml: "kind: Engine\nproduct: demo\nuser: a\nstate: sleeping\n", location: "f.yaml:4:8", field: "state", message: "must be one of awake, asleep, stopped"),
        .init(name: "boolean user", yaml: "kind: Engine\nproduct: demo\nuser: yes\n", location: "f.yaml:3:7", field: "user", message: "got a boolean"),
        .init(name: "bad slug", yaml: "kind: Product\nslug: Demo\ndisplay_name: D\n", location: "f.yaml:2:7", field: "slug", message: "lowercase"),
        .init(name: "missing user", yaml: "kind: Engine\nproduct: demo\n", location: "f.yaml:1:1", field: "user", message: "is required"),
        .init(name: "duplicate key", yaml: "kind: Engine\nproduct: demo\nuser: a\nuser: b\n", location: "f.yaml:3:1", field: "user", message: "duplicate key"),
        .init(name: "duplicate engine", yaml: "kind: Engine\nproduct: demo\nuser: a\n---\nkind: EngineSet\nproduct: demo\nusers: [b, a]\n", location: "f.yaml:7:12", field: "user", message: "duplicate Engine 'demo/a' (first declared at f.yaml:1:1)"),
        .init(name: "duplicate product", yaml: "kind: Product\nslug: p\ndisplay_name: P\n---\nkind: Product\nslug: p\ndisplay_name: Q\n", location: "f.yaml:5:1", field: "slug", message: "duplicate Product 'p'"),
        .init(name: "count without prefix", yaml: "kind: EngineSet\nproduct: demo\ncount: 3\n", location: "f.yaml:1:1", field: "prefix", message: "is required with count"),
        .init(name: "merge key", yaml: "kind: Engine\nproduct: demo\nuser: a\n<<: {state: awake}\n", location: "f.yaml:4:1", field: "<<", message: "merge keys"),
        .init(name: "alias as key", yaml: "kind: Engine\n*k : v\n", location: "f.yaml:2:1", field: "", message: "alias cannot be used as a mapping key"),
        .init(name: "alias in a flow key", yaml: "kind: Engine\na: &a [x]\n[*a, *a]: v\n", location: "f.yaml:3:2", field: "", message: "alias cannot be used as a mapping key"),
        .init(name: "complex key", yaml: "kind: Engine\n? [a, b]\n: c\n", location: "f.yaml:2:1", field: "", message: "complex mapping keys"),
        .init(name: "a document that is a list", yaml: "- a\n- b\n", location: "f.yaml:1:1", field: "", message: "must be a mapping"),
    ]

    @Test("bad input is refused with file, line, column and field", arguments: badCases)
    func badInput(_ c: BadCase) {
        #expect {
            _ = try FleetParser.parse(c.yaml, file: "f.yaml")
        } throws: { error in
            guard let error = error as? FleetSpecError else { return false }
            let ok = error.location.description == c.location && error.field == c.field && error.message.contains(c.message)
            if !ok { Issue.record("got: \(error)") }
            return ok
        }
    }

    @Test("a billion-laughs alias bomb is refused quickly")
    func aliasBomb() throws {
        var yaml = "kind: EngineSet\nproduct: demo\nprefix: p\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for i in 1...9 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        yaml += "users: *a9\n"
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: FleetSpecError.self) { try FleetParser.parse(yaml, file: "bomb.yaml") }
        }
        // A real expansion (10^10 nodes) would never finish: this bound only catches that.
        // Measured ≈10 ms; printed, not asserted tightly.
        print("alias bomb refused in \(elapsed)")
        #expect(elapsed < .seconds(30))
        let limited = FleetLimits(maxAliases: 100_000, maxNodesPerDocument: 10_000)
        #expect {
            _ = try FleetParser.parse(yaml, file: "bomb.yaml", limits: limited)
        } throws: { error in
            // With the alias-token limit lifted, the expansion budget still stops it (on the first
            // unknown field here, or on the node budget when the schema allowed it).
            (error as? FleetSpecError) != nil
        }
    }

    @Test("aliases within the schema expand under the node budget")
    func aliasBudget() throws {
        var yaml = "kind: EngineSet\nproduct: demo\nusers: &u [a, b, c]\n---\nkind: EngineSet\nproduct: other\nusers: *u\n"
        let fleet = try FleetParser.parse(yaml, file: "f.yaml")
        #expect(fleet.engines.count == 6)
        yaml = "kind: EngineSet\nproduct: demo\nusers: &u [a, b, c]\n---\nkind: EngineSet\nproduct: other\nusers: *u\n"
        #expect(throws: FleetSpecError.self) { try FleetParser.parse(yaml, file: "f.yaml", limits: FleetLimits(maxAliases: 1_000, maxNodesPerDocument: 3)) }
    }

    @Test("a file over the size limit is refused before parsing")
    func hugeFile() {
        let yaml = "kind: Engine\nproduct: demo\nuser: " + String(repeating: "x", count: 2_000) + "\n"
        #expect {
            _ = try FleetParser.parse(yaml, file: "big.yaml", limits: FleetLimits(maxBytes: 1_000))
        } throws: { ($0 as? FleetSpecError)?.message.contains("file too large") == true }
    }
}
