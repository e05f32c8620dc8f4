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
            let (old, new) = try Self.texts(local: input.spec, live: live, prune: prune)
            let diff = UnifiedDiff.render(old: old, new: new, oldName: "live", newName: input.name)
            print(diff, terminator: "")
            return diff.isEmpty ? 0 : 1
        }
    }

    /// Canonical texts of the live objects in scope and of the file resolved against them.
    static func texts(local: FleetSpec, live: FleetSpec, prune: Bool) throws -> (old: String, new: String) {
        let batch: ApplyBatch
        do { batch = try local.applyBatch(live: live.specs, prune: false) { _ in "" } } catch { throw CLIError("\(error)", exitCode: 2) }
        let declaredProducts = Set(local.products.map(\.slug))
        let declaredEngines = Set(local.engines.map(\.key))
        let namedProducts = Set(local.namedProducts)
        let liveProducts = live.products.filter { declaredProducts.contains($0.slug) }
            .map { ProductUpsert(slug: $0.slug, displayName: $0.displayName, policy: $0.policy, newKeyHash: "") }
        let liveEngines = live.engines
            .filter { declaredEngines.contains($0.key) || (prune && namedProducts.contains($0.product)) }
            .map { EngineUpsert(productSlug: $0.product, userID: $0.user, spec: $0.resolved(live: nil)) }
        return (FleetYAMLWriter.write(products: liveProducts, engines: liveEngines),
                FleetYAMLWriter.write(products: batch.products, engines: batch.engines))
    }
}
