import AsyncHTTPClient
import DesiredState
import Foundation
import Logging
import NIOCore
import PostgresBackend
import PostgresNIO
import TestSupport

/// The real `bap-engine serve` binary as a child process, on its own fresh Postgres database,
/// driving the test daemon with the real Engine image. Its output goes to a log file the test
/// can read (to prove no key was logged).
final class ServerProcess: @unchecked Sendable {
    let port: Int
    let adminKey: String
    let masterKey: String
    let databaseURL: String
    let database: String
    let logPath: String
    let runID: String
    let enginePorts: ClosedRange<Int>
    // Only touched from the test's task (start/stop); @unchecked because Process is not Sendable.
    private var process: Process?

    static let logger = Logger(label: "bap.test.e2e")
    private static let counter = LockedCounter()

    init() throws {
        adminKey = "ak-e2e-" + UUID().uuidString
        masterKey = MasterKeyring.generateKeyText()
        let admin = try TestEnvironment.postgresURL()
        runID = TestEnvironment.runID()
        database = "bap_e2e_\(runID)"
        guard let slash = admin.lastIndex(of: "/") else { throw ValidationError(field: "BAP_TEST_POSTGRES_URL", message: "no database") }
        databaseURL = admin[..<slash] + "/" + database
        let n = Self.counter.next()
        port = 18600 + n
        enginePorts = (19000 + n * 100)...(19000 + n * 100 + 99)  // below the ephemeral range
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("bap-e2e-\(runID).log").path
    }

    /// A second replica of the same deployment: same database, keys, Docker scope and engine
    /// ports; its own HTTP port and log. The caller starts and stops it (the first server's
    /// `with` cleans up the shared database and containers).
    private init(replicaOf other: ServerProcess) {
        adminKey = other.adminKey
        masterKey = other.masterKey
        runID = other.runID
        database = other.database
        databaseURL = other.databaseURL
        enginePorts = other.enginePorts
        port = 18600 + Self.counter.next()
        logPath = other.logPath + ".replica-\(port)"
    }

    func replica() -> ServerProcess { ServerProcess(replicaOf: self) }

    var base: String { "http://127.0.0.1:\(port)" }

    static func serverBinary() throws -> String {
        URL(fileURLWithPath: try TestEnvironment.engineBinary()).deletingLastPathComponent().appendingPathComponent("bap-engine").path
    }

    func createDatabase() async throws {
        try await Self.admin { try await $0.query("CREATE DATABASE \(unescaped: self.database)", logger: Self.logger) }
    }

    func dropDatabase() async {
        try? await Self.admin { try await $0.query("DROP DATABASE IF EXISTS \(unescaped: self.database) WITH (FORCE)", logger: Self.logger) }
    }

    /// Starts the server and waits until `/ready` answers.
    func start(extraEnv: [String: String] = [:]) async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Self.serverBinary())
        p.arguments = ["serve", "--port", String(port), "--host", "127.0.0.1"]
        var env = ProcessInfo.processInfo.environment
        env["ORCH_DATABASE_URL"] = databaseURL
        env["ORCH_ENGINE_BACKEND"] = "docker"
        // Other suites share this daemon: without a scope this server would collect their
        // containers as orphans.
        env["ORCH_INSTANCE"] = "e2e-\(runID)"
        env["DOCKER_HOST"] = "unix://" + (try TestEnvironment.dockerSocket())
        env["ORCH_ENGINE_IMAGE"] = try TestEnvironment.engineImage()
        env["ORCH_ADMIN_KEY"] = adminKey
        env["ORCH_MASTER_KEY"] = masterKey
        env["ORCH_PORT_MIN"] = String(enginePorts.lowerBound)
        env["ORCH_PORT_MAX"] = String(enginePorts.upperBound)
        env["ORCH_BOOT_TIMEOUT_S"] = "30"
        env["ORCH_STOP_GRACE_S"] = "2"
        env["ORCH_LOG_LEVEL"] = "debug"
        env.merge(extraEnv) { _, new in new }
        p.environment = env
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        let http = HTTPClient.shared
        try await eventually(timeout: .seconds(60), "server ready on \(port)") {
            guard let response = try? await http.execute(HTTPClientRequest(url: self.base + "/ready"), timeout: .seconds(2)) else { return false }
            return response.status.code == 200
        }
    }

    /// SIGKILL, no goodbye: the lease is not released, nothing is flushed.
    func kill9() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    /// SIGTERM and wait (graceful shutdown).
    func stop() {
        guard let p = process else { return }
        p.terminate()
        p.waitUntilExit()
        process = nil
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    static func admin(_ body: @escaping @Sendable (PostgresClient) async throws -> Void) async throws {
        let client = PostgresClient(configuration: try PostgresStore.configuration(url: TestEnvironment.postgresURL()), backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await body(client)
        }
    }

    /// Every row of every table of the server's database, as text (to look for leaked keys).
    func dumpDatabase() async throws -> String {
        var configuration = try PostgresStore.configuration(url: TestEnvironment.postgresURL())
        configuration.database = database
        let client = PostgresClient(configuration: configuration, backgroundLogger: Self.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            var out = ""
            let tables = try await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", logger: Self.logger)
            var names: [String] = []
            for try await name in tables.decode(String.self) { names.append(name) }
            for name in names {
                // Table names come from the catalog of our own database.
                let rows = try await client.query("SELECT t::text FROM \(unescaped: name) t", logger: Self.logger)
                for try await row in rows.decode(String.self) { out += row + "\n" }
            }
            return out
        }
    }

    /// Runs `body` with a started server and always cleans up: server, containers, database.
    /// `extraEnv` overrides the server's environment (say, the process driver).
    static func with(extraEnv: [String: String] = [:], _ body: (ServerProcess) async throws -> Void) async throws {
        let server = try ServerProcess()
        try await server.createDatabase()
        do {
            try await server.start(extraEnv: extraEnv)
            try await body(server)
        } catch {
            server.stop()
            await server.removeContainers()
            await server.dropDatabase()
            throw error
        }
        server.stop()
        await server.removeContainers()
        await server.dropDatabase()
    }

    /// Containers of engines whose ports are in this server's range.
    func removeContainers() async {
        let out = Shell.run("docker", ["ps", "-a", "--filter", "label=bap.managed=true", "--format", "{{.ID}} {{.Label \"bap.port\"}} {{.Label \"bap.engine\"}}"])
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3, let port = Int(parts[1]), enginePorts.contains(port) else { continue }
            _ = Shell.run("docker", ["rm", "-f", "-v", String(parts[0])])
            _ = Shell.run("docker", ["volume", "rm", "-f", "bap-brain-\(parts[2].lowercased())"])
        }
        // Per-product networks of this server's scope (the controller collects them only while it runs).
        let networks = Shell.run("docker", ["network", "ls", "-q", "--filter", "label=bap.instance=e2e-\(runID)"])
        for id in networks.split(separator: "\n") where !id.isEmpty { _ = Shell.run("docker", ["network", "rm", String(id)]) }
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}

enum Shell {
    /// Runs a command and returns its standard output (for docker CLI checks).
    static func run(_ command: String, _ arguments: [String]) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [command] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return "" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
