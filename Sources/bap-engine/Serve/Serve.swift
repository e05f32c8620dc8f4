import ArgumentParser
import Foundation
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the orchestrator: the HTTP API and the reconcile loop.",
        discussion: """
        With nothing configured it runs the embedded default: a SQLite file in ./bap-data and \
        the bundled ExampleEngine as local processes. ORCH_DATABASE_URL selects Postgres; \
        ORCH_ENGINE_BACKEND=docker selects Docker. Flags override the ORCH_* variables.

        Example:
          bap-engine serve --port 8000
          ORCH_DATABASE_URL=postgres://orch@db/orchestrator ORCH_ENGINE_BACKEND=docker \\
            ORCH_ADMIN_KEY=... ORCH_MASTER_KEY=... bap-engine serve
        """
    )

    @Option(help: "Address to listen on (ORCH_HOST, default 0.0.0.0).") var host: String?
    @Option(help: "Port to listen on (ORCH_HTTP_PORT, default 8000).") var port: Int?
    @Option(name: .customLong("database-url"), help: "Postgres URL (ORCH_DATABASE_URL); none: SQLite in the data directory.") var databaseURL: String?
    @Option(name: .customLong("data-dir"), help: "Data directory for the embedded default (ORCH_DATA_DIR, default ./bap-data).") var dataDirectory: String?
    @Option(help: "Engine backend: process or docker (ORCH_ENGINE_BACKEND).") var backend: String?

    func run() async throws {
        var env = ProcessInfo.processInfo.environment
        if let host { env["ORCH_HOST"] = host }
        if let port { env["ORCH_HTTP_PORT"] = String(port) }
        if let databaseURL { env["ORCH_DATABASE_URL"] = databaseURL }
        if let dataDirectory { env["ORCH_DATA_DIR"] = dataDirectory }
        if let backend { env["ORCH_ENGINE_BACKEND"] = backend }
        let configuration: ServeConfiguration
        do {
            configuration = try ServeConfiguration.fromEnvironment(env)
        } catch {
            throw ValidationError("\(error)")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
            return handler
        }
        try await Orchestrator(configuration: configuration, environment: env).run()
    }
}
