import Foundation
import TestSupport
import Testing
@testable import Drivers

/// Issue #3 "measure and note": median and p95 of create, start→healthy, stop and
/// pause→unpause through each driver, next to the same steps done raw (Engine API calls
/// without the driver; a plain child process) in the same run. Prints figures, asserts
/// nothing about time. `BAP_MEASURE_ROUNDS` sets the rounds (default 5).
@Suite("Driver measurements", .serialized)
struct DriverMeasurements {
    static let rounds = Int(ProcessInfo.processInfo.environment["BAP_MEASURE_ROUNDS"] ?? "") ?? 5

    @Test("through the driver", arguments: DriverKind.allCases)
    func throughDriver(kind: DriverKind) async throws {
        var samples = Samples()
        try await DriverHarness.with(kind) { h in
            for _ in 0..<Self.rounds {
                let spec = try h.spec()
                let created = try await samples.time("create") { try await h.driver.create(spec) }
                let url = try #require(created.url)
                try await samples.time("start→healthy") {
                    try await h.driver.start(spec.engineID)
                    try await eventually(every: .milliseconds(5)) { await EngineHTTP.isHealthy(url) }
                }
                try await samples.time("pause→unpause") {
                    try await h.driver.pause(spec.engineID)
                    try await h.driver.unpause(spec.engineID)
                }
                try await samples.time("stop") { try await h.driver.stop(spec.engineID, grace: .seconds(10)) }
                try await h.driver.remove(spec.engineID, keepBrain: false)
            }
        }
        samples.report("\(kind.rawValue) driver")
    }

    @Test("raw Docker Engine API, no driver")
    func rawDocker() async throws {
        var samples = Samples()
        let client = DockerClient(socketPath: try TestEnvironment.dockerSocket())
        let image = try TestEnvironment.engineImage()
        for round in 0..<Self.rounds {
            let name = "bap-raw-\(TestEnvironment.runID())"
            let port = 25100 + round
            let body = RawCreate(image: image, port: port)
            _ = try await samples.time("create") { try await client.send(.POST, "/containers/create", query: [("name", name)], body: body) }
            try await samples.time("start→healthy") {
                _ = try await client.send(.POST, "/containers/\(name)/start")
                try await eventually(every: .milliseconds(5)) { await EngineHTTP.isHealthy("http://127.0.0.1:\(port)") }
            }
            try await samples.time("pause→unpause") {
                _ = try await client.send(.POST, "/containers/\(name)/pause")
                _ = try await client.send(.POST, "/containers/\(name)/unpause")
            }
            _ = try await samples.time("stop") { try await client.send(.POST, "/containers/\(name)/stop", query: [("t", "10")]) }
            _ = try await client.send(.DELETE, "/containers/\(name)", query: [("force", "1"), ("v", "1")])
        }
        samples.report("raw Docker API")
    }

    @Test("raw child process, no driver")
    func rawProcess() async throws {
        var samples = Samples()
        for round in 0..<Self.rounds {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bap-raw-\(TestEnvironment.runID())")
            let port = 25200 + round
            let environment = ["PORT": String(port), "BIND_ADDRESS": "127.0.0.1", "DATA_DIR": directory.path, "ENGINE_API_KEY": "k"]
            let binary = try TestEnvironment.engineBinary()
            let pid = try await samples.time("start→healthy") {
                let pid = try ProcessSpawner.spawn(executable: binary, arguments: [], environment: environment, logPath: "/dev/null")
                try await eventually(every: .milliseconds(5)) { await EngineHTTP.isHealthy("http://127.0.0.1:\(port)") }
                return pid
            }
            samples.time("pause→unpause") {
                kill(pid, SIGSTOP)
                kill(pid, SIGCONT)
            }
            samples.time("stop") {
                kill(pid, SIGTERM)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
            try? FileManager.default.removeItem(at: directory)
        }
        samples.report("raw process")
    }
}

private struct RawCreate: Encodable, Sendable {
    var image: String
    var port: Int
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(image, forKey: "Image")
        try container.encode(["8000/tcp": [String: String]()], forKey: "ExposedPorts")
        try container.encode(RawHostConfig(port: port), forKey: "HostConfig")
    }
}

private struct RawHostConfig: Encodable, Sendable {
    var port: Int
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(["8000/tcp": [["HostIp": "127.0.0.1", "HostPort": String(port)]]], forKey: "PortBindings")
        try container.encode(true, forKey: "Init")
    }
}

private struct DynamicKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { stringValue = value }
}

/// Durations per step; prints median and p95 in milliseconds.
struct Samples {
    private var values: [String: [Double]] = [:]
    private var order: [String] = []

    mutating func time<T>(_ step: String, _ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        let result = try await body()
        record(step, ContinuousClock.now - start)
        return result
    }

    mutating func time(_ step: String, _ body: () -> Void) {
        let start = ContinuousClock.now
        body()
        record(step, ContinuousClock.now - start)
    }

    private mutating func record(_ step: String, _ duration: Duration) {
        if values[step] == nil { order.append(step) }
        values[step, default: []].append(Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000)
    }

    func report(_ title: String) {
        for step in order {
            let sorted = (values[step] ?? []).sorted()
            guard !sorted.isEmpty else { continue }
            let median = sorted[sorted.count / 2]
            let p95 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.95).rounded(.up)) - 1)]
            print(String(format: "MEASURE %-16@ %-14@ n=%d median %7.1f ms  p95 %7.1f ms", title as NSString, step as NSString, sorted.count, median, p95))
        }
    }
}
