import AsyncHTTPClient
import Foundation
import TestSupport

/// The real `bap-engine serve` binary on the embedded default: SQLite in a fresh data
/// directory, engines as local processes running the built ExampleEngine, keys generated into
/// the data directory (as `scripts/serve` runs it). For what only the process driver shows:
/// file modes, zombies, engine log files.
final class ProcessServer: @unchecked Sendable {
    let port: Int
    let enginePorts: ClosedRange<Int>
    let dataDirectory: String
    let logPath: String
    // Only touched from the test's task (start/stop); @unchecked because Process is not Sendable.
    private var process: Process?

    private static let counter = LockedCounter()

    init() {
        let n = Self.counter.next() + Int(getpid() % 4) * 6
        port = 18800 + n
        enginePorts = (24000 + n * 40)...(24000 + n * 40 + 39)  // below the ephemeral range
        let runID = TestEnvironment.runID()
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("bap-e2e-process-\(runID)").path
        logPath = dataDirectory + ".log"
    }

    var base: String { "http://127.0.0.1:\(port)" }
    var pid: Int32? { process?.processIdentifier }
    /// The admin key the server generated into its data directory.
    var adminKey: String {
        ((try? String(contentsOfFile: dataDirectory + "/admin.key", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func start(extraEnv: [String: String] = [:]) async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try ServerProcess.serverBinary())
        p.arguments = ["serve", "--port", String(port), "--host", "127.0.0.1", "--data-dir", dataDirectory, "--backend", "process"]
        var env = ProcessInfo.processInfo.environment
        for name in ["ORCH_DATABASE_URL", "ORCH_ADMIN_KEY", "ORCH_MASTER_KEY", "ORCH_ENGINE_IMAGE", "ORCH_ALLOWED_IMAGES", "DOCKER_HOST"] { env[name] = nil }
        env["ORCH_ENGINE_COMMAND"] = try TestEnvironment.engineBinary()
        env["ORCH_PORT_MIN"] = String(enginePorts.lowerBound)
        env["ORCH_PORT_MAX"] = String(enginePorts.upperBound)
        env["ORCH_BOOT_TIMEOUT_S"] = "30"
        env["ORCH_STOP_GRACE_S"] = "2"
        env.merge(extraEnv) { _, new in new }
        p.environment = env
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        try await eventually(timeout: .seconds(60), "server ready on \(port)") {
            guard let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: self.base + "/ready"), timeout: .seconds(2)) else { return false }
            return response.status.code == 200
        }
    }

    /// SIGTERM and wait (graceful shutdown), then kills any engine process left behind.
    func stop() {
        guard let p = process else { return }
        p.terminate()
        p.waitUntilExit()
        process = nil
        // Engines run in their own sessions and outlive the server by design.
        for pid in Self.enginePIDs(under: dataDirectory) { kill(pid, SIGKILL) }
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Runs `body` with a started server, then stops it and removes its data directory.
    static func with(env: [String: String] = [:], _ body: (ProcessServer) async throws -> Void) async throws {
        let server = ProcessServer()
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: server.dataDirectory)
            try? FileManager.default.removeItem(atPath: server.logPath)
        }
        try await server.start(extraEnv: env)
        try await body(server)
    }

    /// Pids recorded in the engines' metadata under `dataDirectory`.
    static func enginePIDs(under dataDirectory: String) -> [Int32] {
        let root = dataDirectory + "/engines"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.compactMap { name in
            guard let data = FileManager.default.contents(atPath: "\(root)/\(name)/engine.json"),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return (object["pid"] as? NSNumber).map { Int32(truncating: $0) }
        }
    }

    /// The one engine directory under the data directory (tests provision one engine).
    func engineDirectories() -> [String] {
        let root = dataDirectory + "/engines"
        return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { UUID(uuidString: $0) != nil }.map { "\(root)/\($0)" }
    }
}

/// What `/proc` says about processes, for the reaping and memory checks.
enum ProcFS {
    /// Children of `parent` in state Z (zombies).
    static func zombies(of parent: Int32) -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap(Int32.init).filter { pid in
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return false }
            let fields = text[text.index(after: close)...].split(separator: " ")
            return fields.count > 1 && fields[0] == "Z" && Int32(fields[1]) == parent
        }
    }

    /// Resident set size in KiB (`VmRSS`).
    static func rssKiB(_ pid: Int32) -> Int {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
