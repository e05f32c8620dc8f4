import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import Synchronization
import TestSupport
import Testing
@testable import Drivers

/// The drivers the conformance suite runs against: both real ones, never Hollow.
enum DriverKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case docker, process
    var testDescription: String { rawValue }
}

/// One test's world: a driver scoped to a run id (Docker scope label / its own process data
/// root), a port block nobody else in this test process uses, and cleanup of all it made.
struct DriverHarness: Sendable {
    let kind: DriverKind
    let runID: String
    let portRange: ClosedRange<Int>
    let processRoot: String
    let driver: any EngineDriver
    let key: String

    /// Per kind: at most 12 harnesses of a kind per test process, so blocks never wrap.
    private static let nextBlock = Mutex([DriverKind: Int]())

    static func make(_ kind: DriverKind) throws -> DriverHarness {
        let runID = TestEnvironment.runID()
        let block = nextBlock.withLock { blocks in blocks[kind, default: -1] += 1; return blocks[kind] ?? 0 }
        // Another test process (a parallel scripts/test) gets other blocks most of the time;
        // the drivers' bind probe covers the rest. All test ports stay below Linux's ephemeral
        // range (32768–60999): an outgoing connection of this very process (a health probe, a
        // pooled Postgres connection) can hold any port in it, and Docker's bind of a port
        // reserved seconds earlier then fails with "address already in use".
        let spread = Int(getpid() % 4) * 480
        let base = (kind == .docker ? 26000 : 28000) + spread + (block % 12) * 40
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bap-drivers-\(runID)").path
        return try DriverHarness(kind: kind, runID: runID, portRange: base...(base + 39), processRoot: root)
    }

    init(kind: DriverKind, runID: String, portRange: ClosedRange<Int>, processRoot: String) throws {
        self.kind = kind
        self.runID = runID
        self.portRange = portRange
        self.processRoot = processRoot
        self.key = "test-key-\(runID)"
        self.driver = try Self.makeDriver(kind, runID: runID, portRange: portRange, processRoot: processRoot)
    }

    /// A second driver over the same world, as after an orchestrator restart.
    func recreated() throws -> DriverHarness {
        try DriverHarness(kind: kind, runID: runID, portRange: portRange, processRoot: processRoot)
    }

    static func makeDriver(_ kind: DriverKind, runID: String, portRange: ClosedRange<Int>, processRoot: String) throws -> any EngineDriver {
        switch kind {
        case .docker:
            return DockerDriver(configuration: .init(socketPath: try TestEnvironment.dockerSocket(), portRange: portRange, scopeLabels: ["bap.test-run": runID]))
        case .process:
            return ProcessDriver(configuration: .init(dataRoot: processRoot, executable: try TestEnvironment.engineBinary(), portRange: portRange))
        }
    }

    /// The image (Docker) or executable (process) the engine runs.
    func image() throws -> String {
        kind == .docker ? try TestEnvironment.engineImage() : try TestEnvironment.engineBinary()
    }

    func spec(_ engineID: UUID = UUID(), env: [String: String] = [:], image: String? = nil) throws -> RuntimeSpec {
        RuntimeSpec(
            engineID: engineID, productID: UUID(), userID: "user \(runID) ✓", image: try image ?? self.image(),
            env: env, keyGeneration: 1, keyHash: SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
        )
    }

    /// Removes everything this test made, brains included, and the process data root.
    func cleanUp() async {
        let engines = (try? await driver.list()) ?? []
        for engine in engines { try? await driver.remove(engine.engineID, keepBrain: false) }
        if kind == .docker, let socket = try? TestEnvironment.dockerSocket() {
            // Volumes of creates that failed half-way are not engines: find them by label.
            let client = DockerClient(socketPath: socket)
            let filter = DockerLabels.filter(scope: ["bap.test-run": runID])
            if let reply = try? await client.send(.GET, "/volumes", query: [("filters", filter)]),
               let listing = try? reply.decode(VolumeListing.self) {
                for volume in listing.volumes ?? [] { _ = try? await client.send(.DELETE, "/volumes/\(volume.name)", query: [("force", "1")]) }
            }
        }
        try? FileManager.default.removeItem(atPath: processRoot)
    }

    private struct VolumeListing: Decodable {
        var volumes: [Volume]?
        struct Volume: Decodable {
            var name: String
            enum CodingKeys: String, CodingKey { case name = "Name" }
        }
        enum CodingKeys: String, CodingKey { case volumes = "Volumes" }
    }

    /// Runs `body` with a fresh harness and always cleans up, also when `body` throws.
    static func with(_ kind: DriverKind, _ body: (DriverHarness) async throws -> Void) async throws {
        let harness = try make(kind)
        do {
            try await body(harness)
        } catch {
            // The description is the safe summary; the runtime's own words are in the detail.
            if let driverError = error as? DriverError { print("\(kind) driver error detail: \(driverError.detail)") }
            await harness.cleanUp()
            throw error
        }
        await harness.cleanUp()
    }
}
