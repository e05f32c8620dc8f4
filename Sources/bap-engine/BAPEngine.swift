import ArgumentParser

/// The one binary: `serve` runs the orchestrator; every other verb is a client of its API.
@main
struct BAPEngine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bap-engine",
        abstract: "Runs and manages a fleet of per-user Engines.",
        subcommands: BAPEngine.verbs,
        defaultSubcommand: nil
    )

    /// Every verb, in `--help` order. `serve` first; the client verbs follow.
    static let verbs: [any ParsableCommand.Type] = [Serve.self] + clientVerbs
}
