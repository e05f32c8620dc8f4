import ArgumentParser
import DesiredState
import Foundation

/// `diff -f FILE`: the live desired state against the file, both in the canonical fleet YAML,
/// as a unified diff. Exit 0: no difference; 1: differences; 2 or more: error (like diff(1)).
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show how a fleet file differs from the live desired state.",
        discussion: """
            Compares only what the file declares (its products and engines); with --prune, also
            shows the engines of those products that apply --prune would delete. Fields an
            engine leaves out compare as their live values, exactly as apply would treat them.
            Exit status: 0 no differences, 1 differences, 2 error.

            Examples:
              bap-engine diff -f examples/fleet.yaml
              bap-engine diff -f fleet.yaml --prune && echo "in sync"
            """
    )

    @Option(name: .shortAndLong, help: "Fleet file, or - for standard input.") var file: String
    @Flag(help: "Also show live engines of the file's products that the file does not list.") var prune = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let input = try CLIInputGuard.read(file, exitCode: 2)
        try await CLI.run(client, errorExitCode: 2) { api in
            let names = input.spec.namedProducts.joined(separator: ",")
            let liveText = String(decoding: try await api.send(.GET, "/v1/fleet?product=\(names.urlComponent)").body, as: UTF8.self)
            let live: FleetSpec
            do { live = try FleetParser.parse(liveText, file: "live") } catch { throw CLIError("cannot read the server's fleet: \(error)", exitCode: 2) }
            let texts: (live: String, local: String)
            do { texts = try input.spec.diffTexts(live: live, prune: prune) } catch { throw CLIError("\(error)", exitCode: 2) }
            let diff = UnifiedDiff.render(old: texts.live, new: texts.local, oldName: "live", newName: input.name)
            print(diff, terminator: "")
            return diff.isEmpty ? 0 : 1
        }
    }
}
