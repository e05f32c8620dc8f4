import AsyncHTTPClient
import Foundation
import TestSupport

/// The real `bap-engine serve` on the embedded default (SQLite in `./bap-data`, process engines),
/// started the way `scripts/serve` starts it: in its own working directory, with nothing
/// configured, so it generates `bap-data/admin.key` and writes `bap-data/server.url`.
final class EmbeddedServer: @unchecked Sendable {
    let directory: URL
    let port: Int
    let logPath: String
    // Only touched from the test's task (start/stop); @unchecked because Process is not Sendable.
    private var process: Process?

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bap-embedded-\(TestEnvironment.runID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        logPath = directory.path + ".log"
    }

    var base: String { "http://127.0.0.1:\(port)" }
    var adminKeyPath: String { directory.path + "/bap-data/admin.key" }
    var adminKey: String {
        get throws { try String(contentsOfFile: adminKeyPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// The environment of a shell with nothing bap-related exported.
    static func cleanEnvironment() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ORCH_") && !$0.key.hasPrefix("BAP_") && $0.key != "DOCKER_HOST" }
    }

    func start() async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try ServerProcess.serverBinary())
        p.arguments = ["serve", "--port", String(port), "--host", "127.0.0.1"]
        p.currentDirectoryURL = directory
        var env = Self.cleanEnvironment()
        env["ORCH_PORT_MIN"] = "19900"
        env["ORCH_PORT_MAX"] = "19949"
        p.environment = env
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        try await eventually(timeout: .seconds(60), "embedded server ready on \(port)") {
            guard let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: self.base + "/ready"), timeout: .seconds(2)) else { return false }
            return response.status.code == 200
        }
    }

    func stop() {
        guard let p = process else { return }
        p.terminate()
        p.waitUntilExit()
        process = nil
    }

    /// Runs `body` with a started server; always stops it and removes its directory.
    static func with(_ body: (EmbeddedServer) async throws -> Void) async throws {
        let server = try EmbeddedServer()
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: server.directory)
            try? FileManager.default.removeItem(atPath: server.logPath)
        }
        try await server.start()
        try await body(server)
    }

    /// A TCP port nothing listens on right now (bound to port 0, then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard named == 0 else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
