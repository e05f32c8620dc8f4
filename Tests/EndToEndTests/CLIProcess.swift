import Foundation
import Synchronization
import TestSupport

/// The real `bap-engine` binary run as a client verb against a `ServerProcess`, the way an
/// operator runs it: server and admin key from the environment (`BAP_SERVER`, `ORCH_ADMIN_KEY`),
/// nothing else of the test's environment that could change its behaviour.
struct CLIProcess {
    let server: ServerProcess
    /// Extra environment (e.g. `BAP_PRODUCT`).
    var env: [String: String] = [:]

    struct Result: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    /// Runs one verb to its end (killed after `timeout`, a hang bound) and returns what it printed.
    func run(_ arguments: [String], stdin: String? = nil, timeout: Duration = .seconds(180)) async throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bap-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err"), input = dir.appendingPathComponent("in")
        for file in [out, err, input] { FileManager.default.createFile(atPath: file.path, contents: nil) }
        if let stdin { try Data(stdin.utf8).write(to: input) }
        let box = Box(try process(arguments))
        box.process.standardOutput = try FileHandle(forWritingTo: out)
        box.process.standardError = try FileHandle(forWritingTo: err)
        box.process.standardInput = try FileHandle(forReadingFrom: input)
        let status: Int32 = try await withCheckedThrowingContinuation { done in
            box.process.terminationHandler = { done.resume(returning: $0.terminationStatus) }
            do { try box.process.run() } catch { box.process.terminationHandler = nil; done.resume(throwing: error); return }
            let seconds = Double(timeout.components.seconds)
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { if box.process.isRunning { kill(box.process.processIdentifier, SIGKILL) } }
        }
        return Result(
            status: status,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        )
    }

    /// Starts a verb that does not end by itself (`get -w`); its output accumulates in the
    /// returned handle until it is stopped.
    func start(_ arguments: [String]) throws -> Running {
        let p = try process(arguments)
        let running = Running(process: p)
        let pipe = Pipe(), errors = Pipe()
        p.standardOutput = pipe
        p.standardError = errors
        p.standardInput = FileHandle.nullDevice
        for (handle, error) in [(pipe.fileHandleForReading, false), (errors.fileHandleForReading, true)] {
            handle.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty { handle.readabilityHandler = nil } else { running.append(data, error: error) }
            }
        }
        try p.run()
        return running
    }

    /// Process is not Sendable; it is only configured, started, signalled and waited on.
    final class Box: @unchecked Sendable {
        let process: Process
        init(_ process: Process) { self.process = process }
    }

    final class Running: Sendable {
        // Process is not Sendable; it is only started, signalled and waited on.
        nonisolated(unsafe) let process: Process
        private let output = Mutex((stdout: Data(), stderr: Data()))

        init(process: Process) { self.process = process }

        func append(_ data: Data, error: Bool) {
            output.withLock { if error { $0.stderr.append(data) } else { $0.stdout.append(data) } }
        }

        var stdout: String { String(decoding: output.withLock { $0.stdout }, as: UTF8.self) }
        var stderr: String { String(decoding: output.withLock { $0.stderr }, as: UTF8.self) }

        /// SIGKILL, then waits for the exit. Not SIGTERM: a test process that ran
        /// swift-service-lifecycle ignores SIGTERM, an ignored signal stays ignored across exec,
        /// and `waitUntilExit` would then spin for ever.
        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    private func process(_ arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try ServerProcess.serverBinary())
        p.arguments = arguments
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BAP_") && !$0.key.hasPrefix("ORCH_") }
        environment["BAP_SERVER"] = server.base
        environment["ORCH_ADMIN_KEY"] = server.adminKey
        environment.merge(env) { _, new in new }
        p.environment = environment
        return p
    }
}
