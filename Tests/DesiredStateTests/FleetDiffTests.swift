import DesiredState
import Testing

@Suite("Diffing a fleet file against the live fleet")
struct FleetDiffTests {
    static let local = """
        kind: Product
        slug: demo
        display_name: Demo
        ---
        kind: EngineSet
        product: demo
        users: [alice, bob]
        """

    /// The live fleet as the server exports it, with `bob` in the given state.
    static func live(bob: DesiredEngineState, extra: [String] = []) throws -> FleetSpec {
        let engines = (["alice", "bob"] + extra).map {
            EngineUpsert(productSlug: "demo", userID: $0, spec: EngineSpec(state: $0 == "bob" ? bob : .awake))
        }
        let text = FleetYAMLWriter.write(products: [ProductUpsert(slug: "demo", displayName: "Demo", policy: Policy(), newKeyHash: "")], engines: engines)
        return try FleetParser.parse(text, file: "live")
    }

    @Test("a file that matches the live fleet shows no difference")
    func inSync() throws {
        let texts = try FleetParser.parse(Self.local, file: "f.yaml").diffTexts(live: try Self.live(bob: .awake), prune: false)
        #expect(UnifiedDiff.render(old: texts.live, new: texts.local, oldName: "live", newName: "f.yaml").isEmpty)
    }

    @Test("changing one engine to asleep shows exactly that line")
    func oneEngineAsleep() throws {
        let file = Self.local.replacingOccurrences(of: "users: [alice, bob]", with: "users: [alice]") + "\n---\nkind: Engine\nproduct: demo\nuser: bob\nstate: asleep\n"
        let texts = try FleetParser.parse(file, file: "f.yaml").diffTexts(live: try Self.live(bob: .awake), prune: false)
        let diff = UnifiedDiff.render(old: texts.live, new: texts.local, oldName: "live", newName: "f.yaml")
        let changed = diff.split(separator: "\n").filter { ($0.hasPrefix("-") || $0.hasPrefix("+")) && !$0.hasPrefix("---") && !$0.hasPrefix("+++") }
        #expect(changed == ["-state: awake", "+state: asleep"])
        #expect(diff.contains("@@ -13,5 +13,5 @@"))  // bob is the last document: 3 lines before, 1 after
    }

    @Test("an engine the file leaves out shows only with prune")
    func pruneShowsRemovals() throws {
        let spec = try FleetParser.parse(Self.local, file: "f.yaml")
        let live = try Self.live(bob: .awake, extra: ["carol"])
        let plain = try spec.diffTexts(live: live, prune: false)
        #expect(plain.live == plain.local)
        let pruned = try spec.diffTexts(live: live, prune: true)
        let diff = UnifiedDiff.render(old: pruned.live, new: pruned.local, oldName: "live", newName: "f.yaml")
        #expect(diff.contains("-user: carol"))
        #expect(!diff.split(separator: "\n").contains { $0.hasPrefix("+") && !$0.hasPrefix("+++") })
    }

    @Test("unified diff hunks follow diff -u numbering")
    func hunkNumbering() {
        let old = (1...10).map(String.init).joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "5\n", with: "five\n")
        #expect(UnifiedDiff.render(old: old, new: new, oldName: "a", newName: "b") == """
            --- a
            +++ b
            @@ -2,7 +2,7 @@
             2
             3
             4
            -5
            +five
             6
             7
             8

            """)
    }
}
