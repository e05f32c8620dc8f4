import ArgumentParser
import DesiredState
import Foundation
import WireModel

/// `status`: the fleet summary (the admin sees every product; a platform key its own).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the fleet summary: engines by phase and health.",
        discussion: "Examples:\n  bap-engine status\n  bap-engine status -o json | jq .health"
    )
    @Option(name: .shortAndLong, help: "Output: table or json.") var output: OutputFormat = .table
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await CLI.run(client) { api in
            let answer = try await api.send(.GET, "/status")
            if output == .json { print(String(decoding: answer.body, as: UTF8.self)); return 0 }
            let status = try api.decode(StatusResponse.self, answer.body)
            print("Health:   \(status.health) (\(status.unhealthy_count) failed)")
            let breaker = status.restart_breaker
            if breaker.open {
                print("Restarts: HELD by the circuit breaker since \(breaker.since.map { ISO8601DateFormatter().string(from: $0) } ?? "?") (\(breaker.failing_engines ?? 0) of \(breaker.probed_engines ?? 0) probed engines failing)")
            }
            print("Engines:  \(status.total)")
            for phase in EnginePhase.allCases { print("  \(phase.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0))\(status.by_status[phase.rawValue] ?? 0)") }
            return 0
        }
    }
}

/// `audit [--user U] [--action A] [--since T]`: audit rows, newest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show audit log entries, newest first.",
        discussion: "Examples:\n  bap-engine audit --user alice\n  bap-engine audit --action destroy --since 2026-11-29T00:00:00Z -o json"
    )
    @Option(help: "Only this user's rows.") var user: String?
    @Option(help: "Only this action (provision, wake, destroy, rotate_key, …).") var action: String?
    @Option(help: "Only rows at or after this time (ISO-8601 or Unix seconds).") var since: String?
    @Option(help: "At most this many rows (1-1000).") var limit = 50
    @Option(name: .shortAndLong, help: "Output: table or json.") var output: OutputFormat = .table
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await CLI.run(client) { api in
            var query = ["limit=\(limit)"]
            if let product = api.target.product { query.append("product=\(product.urlComponent)") }
            if let user { query.append("user=\(user.urlComponent)") }
            if let action { query.append("action=\(action.urlComponent)") }
            if let since { query.append("since=\(since.urlComponent)") }
            let answer = try await api.send(.GET, "/v1/audit?" + query.joined(separator: "&"))
            if output == .json { print(String(decoding: answer.body, as: UTF8.self)); return 0 }
            var table = TextTable("AGE", "ACTION", "ACTOR", "USER", "DETAIL")
            let now = Date()
            for a in try api.decode(AuditResponse.self, answer.body).entries.map(\.entry) {
                table.rows.append([Age.since(now.timeIntervalSince(a.timestamp)), a.action.rawValue, a.actor, a.userID ?? "-", Self.detail(a)])
            }
            print(table.render())
            return 0
        }
    }

    /// Metadata and duration in one short cell.
    static func detail(_ a: AuditEntry) -> String {
        let meta = a.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return (meta + (a.durationMs.map { ["\($0) ms"] } ?? [])).joined(separator: " ")
    }
}

/// `logs USER [--tail N]`: the engine's recent output, when the server offers it.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print an engine's recent log lines.",
        discussion: "Example:\n  bap-engine logs alice --tail 100"
    )
    @Argument(help: "The user id.") var user: String
    @Option(help: "Only the last N lines.") var tail = 200
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await CLI.run(client) { api in
            let product = try await api.product()
            let answer = try await api.send(.GET, api.enginePath(product, user) + "/logs?tail=\(tail)", allow: [404, 405])
            // A 404 naming no engine or product is the route itself missing: older servers have none.
            if answer.status == 405 || (answer.status == 404 && APIClient.errorCode(answer) == "NOT_FOUND") {
                throw CLIError("logs are not supported by this server (it has no engine log endpoint)")
            }
            if answer.status == 404, APIClient.errorCode(answer) == "ENGINE_NOT_FOUND" { throw CLIError("no engine for \(product)/\(user) (ENGINE_NOT_FOUND)") }
            if answer.status == 404 { throw api.failure(answer) }
            print(String(decoding: answer.body, as: UTF8.self), terminator: "")
            return 0
        }
    }
}
