#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import Logging

/// A small real Engine: the stand-in every test and demo of the orchestrator runs against.
///
/// Exits 0 after SIGTERM (graceful), 3 when the brain cannot be opened, and
/// `ENGINE_EXIT_CODE` when `ENGINE_EXIT_AFTER_S` says so.
@main
struct EngineMain {
    static func main() async throws {
        let config = EngineConfig(environment: ProcessInfo.processInfo.environment)
        let logger = Logger(label: "example-engine")
        if config.ignoreSigterm { signal(SIGTERM, SIG_IGN) }
        if config.bootDelayMS > 0 { try await Task.sleep(for: .milliseconds(config.bootDelayMS)) }
        let brain: Brain
        do {
            brain = try await Brain.open(path: config.brainPath)
        } catch {
            logger.critical("cannot open the brain", metadata: ["path": "\(config.brainPath)", "error": "\(error)"])
            exit(3)
        }
        let app = buildApplication(config: config, brain: brain, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let after = config.exitAfterSeconds {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int(after * 1000)))
                    logger.notice("exiting on purpose (ENGINE_EXIT_AFTER_S)", metadata: ["code": "\(config.exitCode)"])
                    exit(config.exitCode)
                }
            }
            // Ignoring SIGTERM means: do not turn it into a graceful shutdown either.
            if config.ignoreSigterm {
                try await app.runService(gracefulShutdownSignals: [.sigint])
            } else {
                try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
            }
            group.cancelAll()
        }
        try await brain.close()
    }
}
