import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// `bap-bench`: the benchmarks of BENCHMARKS.md. `floor` drives a running server and dockerd;
/// `hollow` runs the controller in-process on the Hollow driver for the scale figures.
@main
struct BapBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bap-bench",
        abstract: "Benchmarks of bap-engine against their floors (scripts/bench runs them).",
        subcommands: [FloorCommand.self, HollowCommand.self, FairnessCommand.self]
    )
}

struct FloorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "floor", abstract: "Orchestrator over HTTP vs dockerd and pgbench, same run.")

    @Option(help: "Base URL of the running server.") var server = "http://127.0.0.1:8000"
    @Option(help: "Its admin key.") var adminKey: String
    @Option(help: "PID of the server (CPU and RSS while idle).") var serverPID: Int32?
    @Option(help: "Engine image (the floors run it too).") var image = "bap-example-engine:dev"
    @Option(help: "Docker socket.") var dockerSocket = "/var/run/docker.sock"
    @Option(help: "Postgres URL for the pgbench floor (omit to skip it).") var pgURL: String?
    @Option(help: "First host port of the floor's own containers.") var floorPortMin = 31000
    @Option(help: "Where the JSON goes.") var out = "bench-results.json"
    @Option(help: "Only these cases (comma-separated: admit,wake,pause,provision,converge,crash,idle).") var only: String?
    @Flag(help: "Small sizes: a few minutes.") var quick = false

    func run() async throws {
        let sizes = quick ? BenchSizes.quick : BenchSizes()
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2), read: .seconds(120)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: sizes.admitClients + 8)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let table = ResultTable(meta: BenchMeta.collect(mode: quick ? "floor --quick" : "floor"))
        let bench = FloorBench(
            api: ServerAPI(client: client, base: server, adminKey: adminKey), docker: DockerAPI(client: client, socket: dockerSocket),
            health: HealthWaiter(client: client), image: image, sizes: sizes, table: table,
            pgbench: pgURL.flatMap { url in PgBench.locate().map { PgBench(binary: $0, url: url) } },
            serverPID: serverPID, floorPorts: floorPortMin...(floorPortMin + 999)
        )
        await bench.docker.removeAll()
        var failure: (any Error)?
        do {
            if let only {
                for name in only.split(separator: ",") { try await bench.run(case: String(name)) }
            } else {
                try await bench.runAll()
            }
        } catch {
            failure = error
            bench.log("stopped early: \(error)")
        }
        await bench.docker.removeAll()
        print(await table.markdown())
        try await table.writeJSON(to: out)
        try await client.shutdown()
        if let failure { throw failure }
    }
}

extension FloorBench {
    func run(case name: String) async throws {
        switch name {
        case "admit": try await admit()
        case "wake": try await wake()
        case "pause": try await lightSleep()
        case "provision": try await provision()
        case "converge": try await converge()
        case "crash": try await crashDetection()
        case "idle": try await idle()
        default: throw ValidationError("unknown case \(name)")
        }
    }
}

/// What a reader needs to compare runs: where and when it ran.
enum BenchMeta {
    static func collect(mode: String) -> [String: String] {
        let info = ProcessInfo.processInfo
        var meta = [
            "mode": mode, "date": ISO8601DateFormatter().string(from: Date()),
            "cores": String(info.activeProcessorCount), "memory_gib": String(format: "%.1f", Double(info.physicalMemory) / 1_073_741_824),
            "host": info.hostName,
        ]
        if let os = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8),
           let line = os.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") }) {
            meta["os"] = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return meta
    }
}
