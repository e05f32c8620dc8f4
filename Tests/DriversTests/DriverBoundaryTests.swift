import Foundation
import NIOCore
import TestSupport
import Testing
@testable import Drivers

/// Issue #10 at the drivers: a name never changes which Docker call is made, the process
/// driver never runs a program a spec names, engine logs are bounded (read from the end,
/// rotated, capped by Docker's json-file options).
@Suite("Driver boundaries: paths, programs, logs")
struct DriverBoundaryTests {
    @Test("every interpolated Docker path segment is percent-encoded; dot segments make the path unsafe")
    func dockerPathEncoding() {
        let evil: DockerPath = "/images/\("../containers/json?x")/json"
        #expect(!evil.isSafe)
        #expect(!evil.encoded.contains("?") && !evil.encoded.contains("/containers/"))
        let query: DockerPath = "/images/\("x?all=1#frag%")/json"
        #expect(query.isSafe && query.encoded == "/images/x%3Fall%3D1%23frag%25/json")
        let slashed: DockerPath = "/images/\("registry.example.com:5000/team/app:1")/json"
        #expect(slashed.isSafe && slashed.encoded == "/images/registry.example.com%3A5000%2Fteam%2Fapp%3A1/json")
        for unsafe in ["", ".", "..", "a/..", "a//b", "./a"] {
            let path: DockerPath = "/containers/\(unsafe)/json"
            #expect(!path.isSafe, "\(unsafe)")
        }
        let literal: DockerPath = "/containers/json"
        #expect(literal.isSafe && literal.encoded == "/containers/json")
    }

    @Test("against dockerd: '../containers/json?x' never becomes a container listing, and encoded names still work")
    func dockerPathsAgainstDockerd() async throws {
        let client = DockerClient(socketPath: try TestEnvironment.dockerSocket())
        await #expect(throws: DriverError.self) { _ = try await client.send(.GET, "/images/\("../containers/json?x")/json") }
        for name in ["x/json?all=1", "containers/json?all=1#", "bap-nothing%2F..%2Fcontainers%2Fjson"] {
            let reply = try await client.send(.GET, "/images/\(name)/json")
            #expect(reply.status == 404 || reply.status == 400, "\(name): HTTP \(reply.status)")
            #expect(!reply.text.hasPrefix("["), "\(name) was answered with a listing: \(reply.text.prefix(200))")
        }
        let image = try TestEnvironment.engineImage()
        let slashed = image.contains("/") ? image : "library/" + image
        #expect(try await client.send(.GET, "/images/\(slashed)/json").status == 200, "an image name with a slash is still found")
        let driver = DockerDriver(configuration: .init(socketPath: try TestEnvironment.dockerSocket(), scopeLabels: ["bap.test-run": TestEnvironment.runID()]))
        let spec = RuntimeSpec(engineID: UUID(), productID: UUID(), userID: "u", image: "../containers/json?x", keyGeneration: 1, keyHash: "00")
        do {
            _ = try await driver.create(spec)
            Issue.record("a create with a path-climbing image succeeded")
        } catch {
            #expect(error.code == .imageNotFound)
        }
    }

    @Test("Docker engines get json-file logs capped at 10m x 2")
    func dockerLogConfig() async throws {
        try await DriverHarness.with(.docker) { h in
            let spec = try h.spec()
            _ = try await h.driver.create(spec)
            let client = DockerClient(socketPath: try TestEnvironment.dockerSocket())
            let reply = try await client.send(.GET, "/containers/\(DockerLabels.containerName(spec.engineID))/json")
            let object = try JSONSerialization.jsonObject(with: Data(reply.text.utf8)) as? [String: Any]
            let logConfig = (object?["HostConfig"] as? [String: Any])?["LogConfig"] as? [String: Any]
            #expect(logConfig?["Type"] as? String == "json-file")
            #expect(logConfig?["Config"] as? [String: String] == ["max-size": "10m", "max-file": "2"])
        }
    }

    @Test("the process driver runs its configured command whatever the spec's image says")
    func processImageIsALabel() async throws {
        try await DriverHarness.with(.process) { h in
            let spec = try h.spec(image: "/usr/bin/id")
            let engine = try await h.driver.create(spec)
            try await h.driver.start(spec.engineID)
            try await eventually(timeout: .seconds(30), "the ExampleEngine answers") { await EngineHTTP.isHealthy(engine.url) }
            let data = try #require(FileManager.default.contents(atPath: "\(h.processRoot)/\(spec.engineID.uuidString.lowercased())/engine.json"))
            let metadata = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(metadata?["executable"] as? String == (try TestEnvironment.engineBinary()))
            #expect(!(try await h.driver.logs(spec.engineID, tail: 50)).contains("uid="))
        }
    }

    @Test("log tails read from the end across the rotated file, capped in bytes at whole lines")
    func logFileTail() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bap-logfile-\(TestEnvironment.runID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/engine.log"
        let old = (0..<1000).map { "old \($0)\n" }.joined()
        let new = (0..<10).map { "new \($0)\n" }.joined()
        FileManager.default.createFile(atPath: path + ".1", contents: Data(old.utf8))
        FileManager.default.createFile(atPath: path, contents: Data(new.utf8))
        #expect(LogFile.tail([path, path + ".1"], lines: 1, maxBytes: 1 << 20) == "new 9")
        #expect(LogFile.tail([path, path + ".1"], lines: 12, maxBytes: 1 << 20) == "old 998\nold 999\n" + (0..<10).map { "new \($0)" }.joined(separator: "\n"))
        #expect(LogFile.tail([path, path + ".1"], lines: 5000, maxBytes: 1 << 20).split(separator: "\n").count == 1010)
        let capped = LogFile.tail([path, path + ".1"], lines: 5000, maxBytes: 100)
        #expect(capped.utf8.count <= 100 && capped.hasSuffix("new 9") && capped.split(separator: "\n").allSatisfy { $0.hasPrefix("new ") || $0.hasPrefix("old ") })
        #expect(LogFile.tail([directory + "/missing"], lines: 3, maxBytes: 100) == "")
        // No final newline, and lines longer than one read chunk.
        let long = String(repeating: "z", count: 200_000)
        FileManager.default.createFile(atPath: path, contents: Data("a\n\(long)\nlast".utf8))
        #expect(LogFile.tail([path], lines: 2, maxBytes: 1 << 20) == "\(long)\nlast")
    }

    @Test("rotation keeps the newest bytes in engine.log.1 and empties engine.log")
    func logFileRotation() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bap-logrot-\(TestEnvironment.runID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/engine.log"
        FileManager.default.createFile(atPath: path, contents: Data((0..<2000).map { "line \($0)\n" }.joined().utf8))
        #expect(!LogFile.rotateIfNeeded(path, limit: 1 << 20), "under the limit: nothing to do")
        #expect(LogFile.rotateIfNeeded(path, limit: 1000))
        let size = { (p: String) in (try? FileManager.default.attributesOfItem(atPath: p)[.size] as? NSNumber)?.intValue ?? -1 }
        #expect(size(path) == 0 && size(path + ".1") == 1000)
        #expect(LogFile.tail([path, path + ".1"], lines: 1, maxBytes: 1 << 20) == "line 1999")
    }
}
