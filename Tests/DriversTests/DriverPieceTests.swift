import Foundation
import Testing
@testable import Drivers

/// The small pure pieces the drivers are built from.
@Suite("Driver pieces")
struct DriverPieceTests {
    @Test("lines split across chunks come out whole, CRLF trimmed, partial tail kept")
    func lineSplitter() {
        var splitter = LineSplitter()
        #expect(splitter.feed(Array(#"{"a":1}"#.utf8) + [10] + Array(#"{"b""#.utf8)) == [#"{"a":1}"#])
        #expect(splitter.feed(Array(#":2}"#.utf8) + [13, 10, 10]) == [#"{"b":2}"#])
        #expect(splitter.feed(Array("tail".utf8)).isEmpty)
    }

    @Test("Docker log frames are demultiplexed; unframed output passes through")
    func logFrames() {
        func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
            let bytes = Array(text.utf8)
            return [stream, 0, 0, 0] + withUnsafeBytes(of: UInt32(bytes.count).bigEndian, Array.init) + bytes
        }
        #expect(DockerLogFrames.demultiplex(frame(1, "out\n") + frame(2, "err\n")) == "out\nerr\n")
        #expect(DockerLogFrames.demultiplex(Array("plain tty output\n".utf8)) == "plain tty output\n")
        #expect(DockerLogFrames.demultiplex(frame(1, "cut") .dropLast(1).map { $0 }) == "cu")
    }

    @Test("a Docker event names the engine from its label; exec noise is dropped")
    func eventParsing() {
        let id = UUID()
        let die = #"{"Type":"container","Action":"die","Actor":{"ID":"abc","Attributes":{"bap.engine":"\#(id.uuidString.lowercased())","exitCode":"137"}}}"#
        #expect(DockerEventStream.event(from: die) == .changed(id))
        let exec = die.replacingOccurrences(of: #""die""#, with: #""exec_start: sh""#)
        #expect(DockerEventStream.event(from: exec) == nil)
        #expect(DockerEventStream.event(from: #"{"Action":"die","Actor":{"Attributes":{}}}"#) == nil)
    }

    @Test("Docker's start failures that only a new container fixes are told apart from the rest")
    func cannotStartInPlace() {
        // Shapes seen here: after a dockerd restart, and with the published port held elsewhere.
        #expect(DockerDriver.cannotStartInPlace(#"{"message":"failed to create task for container: task 3f2a…: already exists: unknown"}"#))
        #expect(DockerDriver.cannotStartInPlace(#"{"message":"driver failed programming external connectivity on endpoint bap-x: Error starting userland proxy: listen tcp4 127.0.0.1:9001: bind: address already in use"}"#))
        #expect(DockerDriver.cannotStartInPlace(#"{"message":"Bind for 127.0.0.1:9001 failed: port is already allocated"}"#))
        #expect(!DockerDriver.cannotStartInPlace(#"{"message":"OCI runtime create failed: cgroup busy"}"#))
        #expect(!DockerDriver.cannotStartInPlace(#"{"message":"container is paused"}"#))
    }

    @Test("Docker times parse with nanoseconds; the zero time is nil")
    func dockerTimes() throws {
        let date = try #require(DockerTime.parse("2026-11-29T17:03:15.123456789Z"))
        #expect(abs(date.timeIntervalSince1970 - 1795971795) < 1)
        #expect(DockerTime.parse("0001-01-01T00:00:00Z") == nil)
    }

    @Test("exit codes come from the list status text")
    func summaryExitCode() {
        let id = UUID()
        let summary = DockerContainerSummary(id: "0123456789abcdef", state: "exited", status: "Exited (137) 2 seconds ago", labels: ["bap.engine": id.uuidString, "bap.port": "9001"])
        let observed = summary.observed(urlHost: "127.0.0.1")
        #expect(observed?.exitCode == 137 && observed?.state == .exited && observed?.url == "http://127.0.0.1:9001")
    }

    @Test("ports: lowest free first, own reservation kept, exhaustion is PortExhausted")
    func portAllocator() async throws {
        let allocator = PortAllocator(range: 9001...9003)
        let a = UUID(), b = UUID(), c = UUID()
        #expect(try await allocator.reserve(for: a, inUse: [9001]) == 9002)
        #expect(try await allocator.reserve(for: a, inUse: [9001]) == 9002)
        #expect(try await allocator.reserve(for: b, inUse: [9001]) == 9003)
        await #expect(throws: DriverError(.portExhausted, "No free engine port is left in 9001-9003.")) {
            try await allocator.reserve(for: c, inUse: [9001])
        }
        await allocator.release(engineID: b)
        #expect(try await allocator.reserve(for: c, inUse: [9001]) == 9003)
    }

    @Test("API versions negotiate down to what the client knows")
    func apiVersion() throws {
        #expect(min(try #require(APIVersion("1.41")), DockerClient.newestKnownVersion).description == "1.41")
        #expect(min(try #require(APIVersion("1.50")), DockerClient.newestKnownVersion) == DockerClient.newestKnownVersion)
        #expect(APIVersion("garbage") == nil)
    }

    @Test("/proc stat parsing survives a command name with spaces and parentheses")
    func procStat() throws {
        let mine = try #require(ProcessTable.stat(getpid()))
        #expect(mine.state == "R" || mine.state == "S")
        #expect(ProcessTable.liveness(pid: getpid(), startTime: mine.startTime) != .dead)
        #expect(ProcessTable.liveness(pid: getpid(), startTime: mine.startTime + 1) == .dead, "another start time: a recycled pid")
    }
}
