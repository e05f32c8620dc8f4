import Foundation

/// `pgbench -S` (select-only) against the same Postgres in the same run: the floor for any
/// path that reads Postgres on every request.
struct PgBench: Sendable {
    let binary: String
    let url: String

    struct Result: Sendable { var tps: Double; var latencyMs: Double }

    func run(clients: Int, seconds: Int) throws -> Result {
        _ = try exec(["-i", "-s", "1", "-q", url])
        let out = try exec(["-S", "-c", String(clients), "-j", "2", "-T", String(seconds), "-n", url])
        guard let tps = Self.number(after: "tps = ", in: out), let latency = Self.number(after: "latency average = ", in: out) else {
            throw ServerAPI.Failure(description: "could not read pgbench output: \(out)")
        }
        return Result(tps: tps, latencyMs: latency)
    }

    private func exec(_ arguments: [String]) throws -> String {
        // Through python3, which clears the signal mask first: a child of this process inherits
        // blocked signals, and pgbench ends `-T` runs with SIGALRM (blocked, it never stops).
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import os,signal,sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])", binary] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw ServerAPI.Failure(description: "pgbench \(arguments.first ?? "") failed: \(text)") }
        return text
    }

    static func number(after marker: String, in text: String) -> Double? {
        guard let range = text.range(of: marker) else { return nil }
        let rest = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        return Double(rest)
    }

    /// `pgbench` on PATH, else the newest under /usr/lib/postgresql.
    static func locate() -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/pgbench") {
            return "\(dir)/pgbench"
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for v in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) where FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\(v)/bin/pgbench") {
            return "/usr/lib/postgresql/\(v)/bin/pgbench"
        }
        return nil
    }
}
