import ArgumentParser
import DesiredState
import Foundation
import WireModel

/// `wait USER --for=…`: polls one engine until the condition holds; exit 1 on timeout.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait for an engine to be Ready, converged, in a phase, or deleted.",
        discussion: """
            --for takes:
              condition=Ready       Ready is True for the latest spec
              condition=Converged   as the spec asks: awake+Ready, asleep, stopped
              phase=PHASE           e.g. phase=sleeping, phase=running
              delete                the engine is gone

            Examples:
              bap-engine wait alice --for=condition=Ready --timeout=60s
              bap-engine wait bob --for=phase=sleeping
              bap-engine wait carol --for=delete --timeout=2m
            """
    )

    @Argument(help: "The user id.") var user: String
    @Option(name: .customLong("for"), help: "condition=Ready, condition=Converged, phase=PHASE or delete.") var condition: String
    @Option(help: "How long to wait (e.g. 30s, 5m).") var timeout = "60s"
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let goal = try Goal(condition)
        let seconds = try TimeoutText.seconds(timeout)
        try await CLI.run(client) { api in
            let product = try await api.product()
            let path = api.enginePath(product, user)
            let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
            var last = "not found"
            while ContinuousClock.now < deadline {
                let answer = try await api.send(.GET, path, allow: [404])
                // Only "no such engine" means gone: an unknown product is an error, not a deletion.
                if answer.status == 404, APIClient.errorCode(answer) != "ENGINE_NOT_FOUND" { throw api.failure(answer) }
                let engine = answer.status == 404 ? nil : try api.decode(EngineResource.self, answer.body)
                if goal.isMet(by: engine) {
                    print("engine/\(product)/\(user) \(goal.doneText)")
                    return 0
                }
                last = engine.map { "\($0.status.phase.rawValue); \($0.pendingReason)" } ?? "not found"
                try await Task.sleep(for: .milliseconds(500))
            }
            throw CLIError("timed out after \(seconds)s waiting for engine/\(product)/\(user) to be \(goal.doneText) (now: \(last))")
        }
    }

    /// What `--for` asks.
    enum Goal {
        case ready, converged, deleted
        case phase(EnginePhase)

        init(_ text: String) throws {
            switch text.lowercased() {
            case "condition=ready": self = .ready
            case "condition=converged": self = .converged
            case "delete", "deleted": self = .deleted
            default:
                if text.lowercased().hasPrefix("phase="), let phase = EnginePhase(rawValue: String(text.dropFirst(6)).lowercased()) {
                    self = .phase(phase)
                } else {
                    throw ValidationError("--for must be condition=Ready, condition=Converged, phase=PHASE or delete")
                }
            }
        }

        func isMet(by engine: EngineResource?) -> Bool {
            switch self {
            case .deleted: return engine == nil
            case .ready: return engine.map { $0.status.isReady(forGeneration: $0.generation) } ?? false
            case .converged: return engine?.isConverged ?? false
            case .phase(let phase): return engine.map { $0.status.phase == phase && $0.status.observedGeneration >= $0.generation } ?? false
            }
        }

        var doneText: String {
            switch self {
            case .ready: "Ready"
            case .converged: "converged"
            case .deleted: "deleted"
            case .phase(let phase): phase.rawValue
            }
        }
    }
}
