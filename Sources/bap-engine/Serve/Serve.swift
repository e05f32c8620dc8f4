import ArgumentParser

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the orchestrator (API + controller).")

    func run() async throws {}
}
