import Foundation
import TestSupport
import Testing

/// Every CLI verb, run as the real `bap-engine` binary against the real server (Postgres, Docker,
/// the engine image): what it prints, on which stream, and its exit status.
@Suite("End to end: the CLI against the server binary", .serialized)
struct CLITests {
    /// A fleet file of one product and the given engines (`user: state`).
    static func fleet(_ slug: String, _ engines: KeyValuePairs<String, String>) -> String {
        var text = "kind: Product\nslug: \(slug)\ndisplay_name: CLI test\n"
        for (user, state) in engines { text += "---\nkind: Engine\nproduct: \(slug)\nuser: \(user)\nstate: \(state)\n" }
        return text
    }

    static func write(_ text: String, _ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bap-cli-\(UUID().uuidString.prefix(8))-\(name)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test("apply: created, unchanged, configured; --dry-run changes nothing; --prune deletes the unlisted; a bad file is file:line:col and exit 1")
    func apply() async throws {
        try await ServerProcess.with { server in
            let slug = "cli-\(server.runID)"
            let cli = CLIProcess(server: server, env: ["BAP_PRODUCT": slug])
            // Engines kept asleep or stopped: apply is about desired state, no container needed.
            let first = try Self.write(Self.fleet(slug, ["alice": "asleep", "bob": "asleep"]), "fleet.yaml")

            let created = try await cli.run(["apply", "-f", first])
            #expect(created.status == 0, "\(created)")
            let lines = created.stdout.split(separator: "\n").map(String.init)
            #expect(lines.contains("product/\(slug) created"), "\(created)")
            #expect(lines.contains("engine/\(slug)/alice created"), "\(created)")
            #expect(lines.contains("engine/\(slug)/bob created"), "\(created)")
            #expect(lines.contains { $0.hasPrefix("platform key for \(slug) (shown once, store it now): ") }, "\(created)")

            let again = try await cli.run(["apply", "-f", first])
            #expect(again.status == 0, "\(again)")
            #expect(again.stdout == "product/\(slug) unchanged\nengine/\(slug)/alice unchanged\nengine/\(slug)/bob unchanged\n", "\(again)")

            // The same file on standard input.
            let piped = try await cli.run(["apply", "-f", "-"], stdin: Self.fleet(slug, ["alice": "asleep", "bob": "asleep"]))
            #expect(piped.status == 0 && piped.stdout.contains("engine/\(slug)/bob unchanged"), "\(piped)")

            // A dry run reports the change and makes none.
            let changed = try Self.write(Self.fleet(slug, ["alice": "asleep", "bob": "stopped"]), "changed.yaml")
            let dry = try await cli.run(["apply", "-f", changed, "--dry-run"])
            #expect(dry.status == 0, "\(dry)")
            #expect(dry.stdout.contains("engine/\(slug)/bob configured (dry run)"), "\(dry)")
            #expect(dry.stdout.contains("engine/\(slug)/alice unchanged (dry run)"), "\(dry)")
            let afterDry = try await cli.run(["get", "engines", "bob", "-o", "json"])
            #expect((Self.json(afterDry.stdout)["spec"] as? [String: Any])?["state"] as? String == "asleep", "\(afterDry)")

            let applied = try await cli.run(["apply", "-f", changed])
            #expect(applied.status == 0, "\(applied)")
            #expect(applied.stdout.contains("engine/\(slug)/bob configured") && !applied.stdout.contains("dry run"), "\(applied)")
            let afterApply = try await cli.run(["get", "engines", "bob", "-o", "json"])
            #expect((Self.json(afterApply.stdout)["spec"] as? [String: Any])?["state"] as? String == "stopped", "\(afterApply)")

            // --prune: bob is no longer listed; without --prune he stays, with it he goes.
            let onlyAlice = try Self.write(Self.fleet(slug, ["alice": "asleep"]), "alice.yaml")
            let kept = try await cli.run(["apply", "-f", onlyAlice])
            #expect(kept.status == 0 && !kept.stdout.contains("pruned"), "\(kept)")
            let pruneDry = try await cli.run(["apply", "-f", onlyAlice, "--prune", "--dry-run"])
            #expect(pruneDry.stdout.contains("engine/\(slug)/bob pruned (dry run)"), "\(pruneDry)")
            #expect(try await cli.run(["get", "engines", "bob", "-o", "json"]).status == 0, "a dry-run prune deletes nothing")
            let pruned = try await cli.run(["apply", "-f", onlyAlice, "--prune"])
            #expect(pruned.status == 0, "\(pruned)")
            #expect(pruned.stdout.contains("engine/\(slug)/bob pruned"), "\(pruned)")
            let gone = try await cli.run(["wait", "bob", "--for=delete", "--timeout=60s"])
            #expect(gone.status == 0 && gone.stdout == "engine/\(slug)/bob deleted\n", "\(gone)")
            let list = try await cli.run(["get", "engines", "-o", "json"])
            let users = (Self.json(list.stdout)["engines"] as? [[String: Any]])?.compactMap { $0["user_id"] as? String }
            #expect(users == ["alice"], "\(list)")

            // A bad file: file:line:col on stderr, exit 1, nothing sent.
            let bad = try Self.write("kind: Engine\nproduct: \(slug)\nuser: carol\nstate: sideways\n", "bad.yaml")
            let refused = try await cli.run(["apply", "-f", bad])
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stdout.isEmpty, "\(refused)")
            #expect(refused.stderr.hasPrefix("error: \(bad):4:"), "\(refused)")
            #expect(refused.stderr.contains("state"), "\(refused)")
            let syntax = try Self.write("kind: Engine\nproduct: [\(slug)\nuser: carol\n", "syntax.yaml")
            let broken = try await cli.run(["apply", "-f", syntax])
            #expect(broken.status == 1 && broken.stderr.hasPrefix("error: \(syntax):"), "\(broken)")
            #expect(try await cli.run(["get", "engines", "carol"]).status == 1, "nothing of a bad file is applied")
        }
    }

    @Test("diff: exit 0 in sync (no output), 1 with differences (a unified diff), 2 on errors")
    func diff() async throws {
        try await ServerProcess.with { server in
            let slug = "cli-\(server.runID)"
            let cli = CLIProcess(server: server)
            let file = try Self.write(Self.fleet(slug, ["alice": "asleep", "bob": "stopped"]), "fleet.yaml")
            let before = try await cli.run(["diff", "-f", file])
            #expect(before.status == 1, "everything is new: \(before)")
            #expect(before.stdout.contains("+slug: \(slug)") || before.stdout.contains("+  slug: \(slug)") || before.stdout.contains(slug), "\(before)")
            #expect(try await cli.run(["apply", "-f", file]).status == 0)

            let same = try await cli.run(["diff", "-f", file])
            #expect(same.status == 0, "\(same)")
            #expect(same.stdout.isEmpty && same.stderr.isEmpty, "\(same)")

            let changed = try Self.write(Self.fleet(slug, ["alice": "awake", "bob": "stopped"]), "changed.yaml")
            let differs = try await cli.run(["diff", "-f", changed])
            #expect(differs.status == 1, "\(differs)")
            let diffLines = differs.stdout.split(separator: "\n").map(String.init)
            #expect(diffLines.contains { $0.hasPrefix("---") } && diffLines.contains { $0.hasPrefix("+++") }, "\(differs)")
            #expect(diffLines.contains { $0.hasPrefix("-") && !$0.hasPrefix("---") && $0.contains("asleep") }, "\(differs)")
            #expect(diffLines.contains { $0.hasPrefix("+") && !$0.hasPrefix("+++") && $0.contains("awake") }, "\(differs)")

            // --prune shows the live engines the file leaves out; without it they are not compared.
            let onlyAlice = try Self.write(Self.fleet(slug, ["alice": "asleep"]), "alice.yaml")
            #expect(try await cli.run(["diff", "-f", onlyAlice]).status == 0)
            let prune = try await cli.run(["diff", "-f", onlyAlice, "--prune"])
            #expect(prune.status == 1 && prune.stdout.contains("bob"), "\(prune)")

            // Errors: exit 2 with one line on stderr.
            let bad = try Self.write("kind: Product\nslug: Not A Slug\n", "bad.yaml")
            let invalid = try await cli.run(["diff", "-f", bad])
            #expect(invalid.status == 2 && invalid.stderr.hasPrefix("error: \(bad):2:"), "\(invalid)")
            let missing = try await cli.run(["diff", "-f", "/nonexistent/fleet.yaml"])
            #expect(missing.status == 2 && missing.stderr.contains("cannot read"), "\(missing)")
            let wrongKey = try await CLIProcess(server: server, env: ["ORCH_ADMIN_KEY": "ak-wrong"]).run(["diff", "-f", file])
            #expect(wrongKey.status == 2 && wrongKey.stderr.contains("INVALID_ADMIN_KEY"), "\(wrongKey)")
            #expect(!wrongKey.stderr.contains("ak-wrong"), "no key is echoed")
            let unreachable = try await CLIProcess(server: server, env: ["BAP_SERVER": "http://127.0.0.1:1"]).run(["diff", "-f", file])
            #expect(unreachable.status == 2 && unreachable.stderr.contains("cannot reach the server"), "\(unreachable)")
            #expect(unreachable.stderr.split(separator: "\n").count == 1, "one line: \(unreachable)")
        }
    }

    @Test("get -o json|yaml, get -w sees a change, wait --for, describe, logs, delete — on a running engine")
    func engineVerbs() async throws {
        try await ServerProcess.with { server in
            let slug = "cli-\(server.runID)"
            // One product on the server: engine verbs find it without --product.
            let cli = CLIProcess(server: server)
            let file = try Self.write(Self.fleet(slug, ["alice": "awake"]), "fleet.yaml")
            let applied = try await cli.run(["apply", "-f", file, "--wait", "--timeout", "120s"])
            #expect(applied.status == 0, "\(applied)")
            #expect(applied.stdout.contains("1/1 ready"), "\(applied)")

            let ready = try await cli.run(["wait", "alice", "--for=condition=Ready", "--timeout=90s"])
            #expect(ready.status == 0 && ready.stdout == "engine/\(slug)/alice Ready\n", "\(ready)")

            // get: table, JSON (one engine and the list), YAML.
            let table = try await cli.run(["get", "engines"])
            #expect(table.status == 0, "\(table)")
            let rows = table.stdout.split(separator: "\n").map(String.init)
            #expect(rows.first?.hasPrefix("NAME") == true && rows.contains { $0.hasPrefix("\(slug)/alice") && $0.contains("running") && $0.contains("True") }, "\(table)")
            let one = Self.json(try await cli.run(["get", "engines", "alice", "-o", "json"]).stdout)
            #expect(one["user_id"] as? String == "alice")
            #expect((one["status"] as? [String: Any])?["phase"] as? String == "running")
            let url = try #require((one["status"] as? [String: Any])?["url"] as? String)
            let list = Self.json(try await cli.run(["get", "engines", "-o", "json"]).stdout)
            #expect(list["total"] as? Int == 1)
            #expect(((list["engines"] as? [[String: Any]])?.first?["status"] as? [String: Any])?["phase"] as? String == "running")
            let yaml = try await cli.run(["get", "engines", "alice", "-o", "yaml"])
            #expect(yaml.status == 0, "\(yaml)")
            #expect(yaml.stdout.contains("user_id: alice") && yaml.stdout.contains("phase: running"), "\(yaml)")
            let yamlList = try await cli.run(["get", "engines", "-o", "yaml"])
            #expect(yamlList.stdout.hasPrefix("- ") && yamlList.stdout.contains("user_id: alice"), "\(yamlList)")
            let products = try await cli.run(["get", "products", "-o", "json"])
            #expect((Self.json(products.stdout)["products"] as? [[String: Any]])?.first?["slug"] as? String == slug, "\(products)")

            // describe: the page with spec, status, conditions and the provision audit row.
            let page = try await cli.run(["describe", "engine", "alice"])
            #expect(page.status == 0, "\(page)")
            for expected in ["Name:            \(slug)/alice", "Phase:           running", "Endpoint:        \(url)", "Ready", "EngineHealthy", "provision"] {
                #expect(page.stdout.contains(expected), "describe lacks \(expected): \(page)")
            }

            // logs: the engine's own output (the HTTP server announcing itself).
            let logs = try await cli.run(["logs", "alice", "--tail", "50"])
            #expect(logs.status == 0, "\(logs)")
            #expect(logs.stdout.contains("8000"), "\(logs)")
            let badTail = try await cli.run(["logs", "alice", "--tail", "0"])
            #expect(badTail.status == 1 && badTail.stderr.contains("INVALID_REQUEST"), "\(badTail)")

            // get -w: the snapshot row, then the change a sleep makes, then it is stopped.
            let watch = try cli.start(["get", "engines", "-w"])
            try await eventually(timeout: .seconds(30), "watch snapshot") { watch.stdout.contains("\(slug)/alice") }
            let snapshotLines = watch.stdout.split(separator: "\n").count
            let slept = try await cli.run(["sleep", "alice"])
            #expect(slept.status == 0 && slept.stdout == "engine/\(slug)/alice asleep requested\n", "\(slept)")
            do {
                try await eventually(timeout: .seconds(60), "watch shows the engine asleep") {
                    watch.stdout.split(separator: "\n").dropFirst(snapshotLines).contains { $0.hasPrefix("\(slug)/alice") && $0.contains("sleeping") }
                }
            } catch {
                watch.stop()
                Issue.record("get -w printed: \(watch.stdout) / \(watch.stderr)")
                throw error
            }
            watch.stop()
            #expect(watch.stdout.hasPrefix("NAME"), "\(watch.stdout)")

            let asleep = try await cli.run(["wait", "alice", "--for=phase=sleeping", "--timeout=60s"])
            #expect(asleep.status == 0 && asleep.stdout == "engine/\(slug)/alice sleeping\n", "\(asleep)")
            let timedOut = try await cli.run(["wait", "alice", "--for=phase=running", "--timeout=1s"])
            #expect(timedOut.status == 1 && timedOut.stderr.contains("timed out after 1s"), "\(timedOut)")
            let badGoal = try await cli.run(["wait", "alice", "--for=colour=blue"])
            #expect(badGoal.status != 0 && badGoal.stderr.contains("--for"), "\(badGoal)")

            // An unknown product is an error, never "deleted" (a typo must not pass a wait).
            let elsewhere = CLIProcess(server: server, env: ["BAP_PRODUCT": "no-such-product"])
            let wrongProduct = try await elsewhere.run(["wait", "alice", "--for=delete", "--timeout=5s"])
            #expect(wrongProduct.status == 1 && wrongProduct.stderr.contains("PRODUCT_NOT_FOUND"), "\(wrongProduct)")
            let wrongLogs = try await elsewhere.run(["logs", "alice"])
            #expect(wrongLogs.status == 1 && wrongLogs.stderr.contains("PRODUCT_NOT_FOUND"), "\(wrongLogs)")

            // delete: requested, gone, then not found (exit 1, one line).
            let deleted = try await cli.run(["delete", "engine", "alice"])
            #expect(deleted.status == 0 && deleted.stdout == "engine/\(slug)/alice deletion requested\n", "\(deleted)")
            let gone = try await cli.run(["wait", "alice", "--for=delete", "--timeout=60s"])
            #expect(gone.status == 0, "\(gone)")
            let notFound = try await cli.run(["get", "engines", "alice"])
            #expect(notFound.status == 1 && notFound.stderr.contains("ENGINE_NOT_FOUND"), "\(notFound)")
            let noLogs = try await cli.run(["logs", "alice"])
            #expect(noLogs.status == 1 && noLogs.stderr.contains("ENGINE_NOT_FOUND"), "\(noLogs)")
            let product = try await cli.run(["delete", "product", slug])
            #expect(product.status == 0 && product.stdout.contains("product/\(slug) deletion requested"), "\(product)")
        }
    }
}
