import Foundation
import TestSupport
import Testing
@testable import Drivers

/// The Engine stand-in honours the parts of the Engine contract the orchestrator relies on.
@Suite("ExampleEngine")
struct ExampleEngineTests {
    /// Runs the built engine on a port of its own with a throwaway brain, then kills it.
    private func withEngine(port: Int, env: [String: String] = [:], _ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bap-engine-test-\(TestEnvironment.runID())")
        // Spawned like the process driver does, not with Foundation's Process: its SIGCHLD
        // handling can reap children it does not own, hiding exit codes from other tests.
        let environment = ["PORT": String(port), "BIND_ADDRESS": "127.0.0.1", "ENGINE_API_KEY": "k-test", "DATA_DIR": directory.path].merging(env) { $1 }
        let pid = try ProcessSpawner.spawn(executable: try TestEnvironment.engineBinary(), arguments: [], environment: environment, logPath: "/dev/null")
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            try? FileManager.default.removeItem(at: directory)
        }
        let url = "http://127.0.0.1:\(port)"
        try await eventually("engine listening") { (try? await EngineHTTP.get(url + "/health")) != nil }
        try await body(url)
    }

    @Test("a missing or wrong key gets 401 INVALID_KEY; /health needs none")
    func keyCheck() async throws {
        try await withEngine(port: 25011) { url in
            #expect(await EngineHTTP.isHealthy(url))
            let none = try await EngineHTTP.get(url + "/memory/export")
            #expect(none.status == 401 && none.body.contains(#""error":"INVALID_KEY""#))
            let wrong = try await EngineHTTP.get(url + "/memory/export", key: "k-wrong")
            #expect(wrong.status == 401 && wrong.body.contains("INVALID_KEY"))
            #expect(try await EngineHTTP.get(url + "/memory/export", key: "k-test").status == 200)
        }
    }

    @Test("execute streams started, deltas, completed; replay resumes after an id")
    func sseOrder() async throws {
        try await withEngine(port: 25012) { url in
            let reply = try await EngineHTTP.post(url + "/execute", key: "k-test", json: #"{"message":"one two three","task_id":"t-9"}"#)
            #expect(reply.status == 200)
            let events = reply.body.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
            #expect(events.first == "thread_lifecycle" && events.last == "thread_lifecycle")
            #expect(events.dropFirst().dropLast().allSatisfy { $0 == "text_delta" } && events.count >= 5)
            #expect(reply.body.contains(#""phase":"started""#) && reply.body.contains(#""phase":"completed""#))
            let ids = reply.body.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { Int64($0.dropFirst(4)) }
            #expect(ids == ids.sorted() && Set(ids).count == ids.count, "ids strictly increase")
            let all = try await EngineHTTP.get(url + "/execute/replay?after=0", key: "k-test")
            #expect(all.body == reply.body)
            let rest = try await EngineHTTP.get(url + "/execute/replay?after=\(ids[1])", key: "k-test")
            #expect(rest.body.split(separator: "\n").filter { $0.hasPrefix("id: ") }.count == ids.count - 2)
        }
    }

    @Test("ENGINE_UNREADY=1 makes /health answer 503 with a status other than ok")
    func unready() async throws {
        try await withEngine(port: 25013, env: ["ENGINE_UNREADY": "1"]) { url in
            let health = try await EngineHTTP.get(url + "/health")
            #expect(health.status == 503 && !health.body.contains(#""status":"ok""#))
        }
    }
}
