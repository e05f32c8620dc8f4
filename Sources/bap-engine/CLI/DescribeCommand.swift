import ArgumentParser
import DesiredState
import Foundation
import WireModel

/// `describe engine USER`: spec, status, conditions with ages, recent audit entries, runtime
/// handle and endpoint, as a readable page.
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show one engine in detail.",
        discussion: """
            Examples:
              bap-engine describe engine alice
              bap-engine describe engine alice --product demo
            """
    )

    enum Resource: String, ExpressibleByArgument, CaseIterable { case engine }

    @Argument(help: "engine") var resource: Resource
    @Argument(help: "The user id.") var user: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await CLI.run(client) { api in
            let product = try await api.product()
            let engine = try await api.get(EngineResource.self, api.enginePath(product, user))
            let productView = try? await api.get(ProductView.self, "/v1/products/\(product.urlComponent)")
            let audit = try? await api.get(AuditResponse.self, "/v1/audit?product=\(product.urlComponent)&user=\(user.urlComponent)&limit=10")
            print(Self.page(engine, template: productView?.policy.template.image, audit: audit?.entries.map(\.entry) ?? [], now: Date()))
            return 0
        }
    }

    static func page(_ e: EngineResource, template: String?, audit: [AuditEntry], now: Date) -> String {
        func ago(_ date: Date?) -> String { date.map { "\(Age.since(now.timeIntervalSince($0))) ago" } ?? "-" }
        let s = e.status
        var lines = [
            "Name:            \(e.name)",
            "Engine ID:       \(e.engineID.uuidString.lowercased())",
            "Created:         \(ago(e.createdAt))",
            "Last activity:   \(ago(e.lastActivityAt))",
        ]
        if e.deletionRequestedAt != nil { lines.append("Deleting:        requested \(ago(e.deletionRequestedAt))") }
        lines += [
            "Spec:",
            "  State:           \(e.spec.state.rawValue)",
            "  Key generation:  \(e.spec.keyGeneration)",
            "  Image:           \(e.spec.image.map { "\($0) (pinned)" } ?? template.map { "\($0) (product template)" } ?? "(server default)")",
            "  Generation:      \(e.generation) (observed \(s.observedGeneration))",
            "Status:",
            "  Phase:           \(s.phase.rawValue)",
            "  Endpoint:        \(s.url ?? "-")",
            "  Runtime:         \(s.runtimeID ?? "-")",
            "  Restarts:        \(s.restartCount) (total \(s.totalRestarts), last \(ago(s.lastRestartAt)))",
            "  Next retry:      \(s.nextRetryAt.map { "in \(Age.since($0.timeIntervalSince(now)))" } ?? "-")",
            "  Last error:      \(s.lastError ?? "-")",
            "  Ready since:     \(ago(s.readySince))",
            "  Last health:     \(ago(s.lastHealthAt))",
            "  Boot time:       \(s.bootDurationMs.map { "\($0) ms" } ?? "-")",
            "Conditions:",
        ]
        var conditions = TextTable("  TYPE", "STATUS", "REASON", "AGE", "MESSAGE")
        for c in s.conditions { conditions.rows.append(["  " + c.type.rawValue, c.status.rawValue, c.reason.rawValue, Age.since(now.timeIntervalSince(c.lastTransitionTime)), c.message]) }
        lines.append(s.conditions.isEmpty ? "  (none yet)" : conditions.render())
        lines.append("Recent audit (newest first):")
        var table = TextTable("  AGE", "ACTION", "ACTOR", "DETAIL")
        for a in audit { table.rows.append(["  " + Age.since(now.timeIntervalSince(a.timestamp)), a.action.rawValue, a.actor, AuditCommand.detail(a)]) }
        lines.append(audit.isEmpty ? "  (none)" : table.render())
        return lines.joined(separator: "\n")
    }
}
