import ArgumentParser
import DesiredState
import Foundation
import WireModel

/// `apply -f FILE|-`: server-side apply of a fleet file, all or nothing, with kubectl-style
/// results; `--wait` follows convergence.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a fleet file (all documents in one transaction).",
        discussion: """
            Prints created / configured / unchanged / pruned per object. A new product's platform
            key is printed once, here; store it. Nothing is applied if any document is invalid.

            Examples:
              bap-engine apply -f examples/fleet.yaml
              bap-engine apply -f fleet.yaml --dry-run
              bap-engine apply -f fleet.yaml --prune --wait --timeout 5m
              cat fleet.yaml | bap-engine apply -f -
            """
    )

    @Option(name: .shortAndLong, help: "Fleet file, or - for standard input.") var file: String
    @Flag(help: "Show what would change; change nothing.") var dryRun = false
    @Flag(help: "Delete engines of the named products that the file no longer lists.") var prune = false
    @Flag(help: "Wait until every applied engine is converged (Ready, asleep or stopped as asked).") var wait = false
    @Option(help: "How long --wait waits (e.g. 90s, 5m).") var timeout = "5m"
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let input = try CLIInputGuard.read(file)
        let timeoutSeconds = try TimeoutText.seconds(timeout)
        try await CLI.run(client) { api in
            var query = ["file=\(input.name.urlComponent)"]
            if dryRun { query.append("dry_run=true") }
            if prune { query.append("prune=true") }
            let answer = try await api.send(.POST, "/v1/apply?" + query.joined(separator: "&"), body: Data(input.text.utf8), contentType: "application/yaml")
            let result = try api.decode(ApplyResponse.self, answer.body)
            let suffix = dryRun ? " (dry run)" : ""
            for r in result.results { print("\(r.kind.lowercased())/\(r.name) \(r.result)\(suffix)") }
            for (slug, key) in result.platform_keys.sorted(by: { $0.key < $1.key }) {
                print("platform key for \(slug) (shown once, store it now): \(key)")
            }
            guard wait, !dryRun else { return 0 }
            let targets = result.results.filter { $0.kind == "Engine" }.map { ($0.name, $0.result == "pruned") }
            return try await ConvergenceWaiter(api: api, timeout: timeoutSeconds).wait(for: targets)
        }
    }
}

/// Reads the fleet input before any network work; a bad file exits 1 with one line.
enum CLIInputGuard {
    static func read(_ path: String, exitCode: Int32 = 1) throws -> FleetInput {
        do { return try FleetInput(path: path) } catch let error as CLIError {
            CLI.printError(error.message)
            throw ExitCode(exitCode)
        }
    }
}
