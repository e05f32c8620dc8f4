import Foundation
import TestSupport
import Testing

/// The real server binary on the embedded default (SQLite + process engines), tried the way a
/// hostile product or a careless host would: what runs, what a log read costs, who can read
/// the data directory, what a killed engine leaves behind (issue #10 items 1, 2, 7, 8).
@Suite("End to end: the tenant boundary on the process driver", .serialized)
struct TenantBoundaryTests {
    /// Registers a product on `server` and provisions `user`; answers the platform client.
    static func provisioned(_ server: ProcessServer, slug: String, user: String = "alice") async throws -> HTTPJSON {
        let admin = HTTPJSON(base: server.base, headers: [("X-Admin-Key", server.adminKey)])
        let registered = try await admin.call("POST", "/products/register", json: #"{"slug":"\#(slug)","display_name":"\#(slug)"}"#)
        let api = HTTPJSON(base: server.base, headers: [("X-Platform-Key", try #require(registered.string("platform_api_key"), "\(registered.raw)"))])
        let provisioned = try await api.call("POST", "/engines/provision", json: #"{"user_id":"\#(user)"}"#)
        #expect(provisioned.status == 200, "\(provisioned.raw)")
        return api
    }

    @Test("a product cannot make the server run a program or an unlisted image: 400 for a path, 403 IMAGE_NOT_ALLOWED off the allowlist")
    func onlyTheOperatorChoosesWhatRuns() async throws {
        try await ProcessServer.with(env: ["ORCH_ALLOWED_IMAGES": "example-engine:*", "CANARY_SECRET": "canary-\(UUID())", "ORCH_ENGINE_ENV_PASSTHROUGH": "CANARY_SECRET"]) { server in
            let api = try await Self.provisioned(server, slug: "img")
            for program in ["/usr/bin/env", "/usr/bin/id", "../../usr/bin/env", "x/../../containers/json?all=1", "a b", "img#1", "img%2F"] {
                let reply = try await api.call("POST", "/engines/provision", json: #"{"user_id":"u-\#(program.count)","engine_version":"\#(program)"}"#)
                #expect(reply.status == 400 && reply.object("error")?["code"] as? String == "INVALID_REQUEST", "\(program): \(reply.raw)")
                let put = try await api.call("PUT", "/v1/products/img/engines/v-\(program.count)", json: #"{"spec":{"image":"\#(program)"}}"#)
                #expect(put.status == 400 && put.object("error")?["code"] as? String == "INVALID_REQUEST", "\(program): \(put.raw)")
            }
            let unlisted = try await api.call("POST", "/engines/provision", json: #"{"user_id":"bob","engine_version":"busybox:latest"}"#)
            #expect(unlisted.status == 403 && unlisted.object("error")?["code"] as? String == "IMAGE_NOT_ALLOWED", "\(unlisted.raw)")
            let patched = try await api.call("PATCH", "/v1/products/img/engines/alice", json: #"{"spec":{"image":"evil.example.com/example-engine:1"}}"#)
            #expect(patched.status == 403 && patched.object("error")?["code"] as? String == "IMAGE_NOT_ALLOWED", "\(patched.raw)")
            #expect(try await api.call("GET", "/engines/bob").status == 404, "nothing was written")
            // An allowed tag is only a label here: the engine still runs the operator's command.
            let listed = try await api.call("POST", "/engines/provision", json: #"{"user_id":"carol","engine_version":"example-engine:2"}"#)
            #expect(listed.status == 200, "\(listed.raw)")
            let logs = try await api.call("GET", "/v1/products/img/engines/carol/logs?tail=50")
            #expect(logs.status == 200)
            #expect(!logs.raw.contains("CANARY_SECRET") && !logs.raw.contains("uid="), "no program of the caller's choosing ran")
        }
    }

    @Test("tail=1 of a 100+ MB engine log answers fast in bounded memory; absurd tails are 400")
    func boundedLogTail() async throws {
        // No rotation during this test: the point is reading one huge file from its end.
        try await ProcessServer.with(env: ["ORCH_ENGINE_LOG_MAX_BYTES": String(1 << 40)]) { server in
            let api = try await Self.provisioned(server, slug: "logs")
            let directory = try #require(server.engineDirectories().first)
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/engine.log"))
            try log.seekToEnd()
            let line = String(repeating: "x", count: 1023) + "\n"
            let block = Data(String(repeating: line, count: 1024).utf8)  // 1 MiB
            for _ in 0..<110 { try log.write(contentsOf: block) }
            try log.write(contentsOf: Data("the very last line\n".utf8))
            try log.close()
            let size = (try FileManager.default.attributesOfItem(atPath: directory + "/engine.log")[.size] as? NSNumber)?.intValue ?? 0
            #expect(size > 110 << 20)
            let pid = try #require(server.pid)
            _ = try await api.call("GET", "/v1/products/logs/engines/alice/logs?tail=1")  // warm up the route
            let before = ProcFS.rssKiB(pid)
            let clock = ContinuousClock()
            let started = clock.now
            let reply = try await api.call("GET", "/v1/products/logs/engines/alice/logs?tail=1")
            let elapsed = started.duration(to: clock.now)
            let many = try await api.call("GET", "/v1/products/logs/engines/alice/logs?tail=10000")
            let after = ProcFS.rssKiB(pid)
            print("logs tail=1 of a \(size >> 20) MiB engine.log: \(elapsed); tail=10000 answered \(many.raw.utf8.count) bytes; server RSS \(before / 1024) MiB → \(after / 1024) MiB (+\((after - before) / 1024) MiB)")
            #expect(reply.status == 200 && reply.raw == "the very last line")
            #expect(many.status == 200 && many.raw.utf8.count <= 1 << 20, "the answer is capped at 1 MiB")
            #expect(many.raw.hasSuffix("the very last line"))
            #expect(after - before < 64 * 1024, "RSS grew \((after - before) / 1024) MiB reading a \(size >> 20) MiB log")
            #expect(elapsed < .seconds(5), "generous hang bound: the tail is read from the end")
            for tail in ["10001", "-1", "0", "abc", "99999999999999999999", "1e3"] {
                let bad = try await api.call("GET", "/v1/products/logs/engines/alice/logs?tail=\(tail)")
                #expect(bad.status == 400 && bad.object("error")?["code"] as? String == "INVALID_REQUEST", "tail=\(tail): \(bad.raw)")
            }
        }
    }

    @Test("a process engine's log is rotated at ORCH_ENGINE_LOG_MAX_BYTES, one older file kept, and the tail reads across both")
    func logRotation() async throws {
        let limit = 256 * 1024
        try await ProcessServer.with(env: ["ORCH_ENGINE_LOG_MAX_BYTES": String(limit)]) { server in
            let api = try await Self.provisioned(server, slug: "rot")
            let directory = try #require(server.engineDirectories().first)
            let path = directory + "/engine.log"
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try log.seekToEnd()
            for i in 0..<4096 { try log.write(contentsOf: Data("line \(i) \(String(repeating: "y", count: 200))\n".utf8)) }
            try log.close()
            let size = { (path: String) in (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1 }
            try await eventually(timeout: .seconds(10), "engine.log rotated") { size(path) < limit && size(path + ".1") > 0 }
            #expect(size(path + ".1") <= limit, "the kept file is bounded too")
            let tail = try await api.call("GET", "/v1/products/rot/engines/alice/logs?tail=2")
            #expect(tail.status == 200 && tail.raw.contains("line 4095 "), "\(tail.raw.prefix(300))")
        }
    }

    @Test("files under the data directory are 0600 and directories 0700 after a provision; older loose modes are repaired at boot")
    func privateDataDirectory() async throws {
        let server = ProcessServer()
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: server.dataDirectory)
            try? FileManager.default.removeItem(atPath: server.logPath)
        }
        // What an older version left: a world-readable directory and file.
        try FileManager.default.createDirectory(atPath: server.dataDirectory + "/engines/old", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        FileManager.default.createFile(atPath: server.dataDirectory + "/engines/old/brain.sqlite", contents: Data("old".utf8), attributes: [.posixPermissions: 0o644])
        chmod(server.dataDirectory, 0o755)
        try await server.start()
        _ = try await Self.provisioned(server, slug: "modes")
        let directory = try #require(server.engineDirectories().first)
        try await eventually(timeout: .seconds(10), "brain created") { FileManager.default.fileExists(atPath: directory + "/brain.sqlite") }
        var checked: [String] = []
        var loose: [String] = []
        let paths = [server.dataDirectory] + ((FileManager.default.enumerator(atPath: server.dataDirectory)?.allObjects as? [String]) ?? []).map { server.dataDirectory + "/" + $0 }
        for path in paths {
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            checked.append(path)
            if info.st_mode & 0o077 != 0 { loose.append("\(path): \(String(info.st_mode & 0o777, radix: 8))") }
        }
        for name in ["bap.sqlite", "admin.key", "master.key", "engines"] { #expect(checked.contains(server.dataDirectory + "/" + name), "\(name) exists") }
        for name in ["brain.sqlite", "engine.log", "engine.json"] { #expect(checked.contains(directory + "/" + name), "\(name) exists") }
        #expect(checked.contains(server.dataDirectory + "/engines/old/brain.sqlite"))
        print("data directory: \(checked.count) paths checked, \(loose.count) with group/other bits")
        #expect(loose.isEmpty, "\(loose)")
    }

    @Test("50 rotate-key calls leave no zombie child of the server")
    func killedEnginesAreReaped() async throws {
        try await ProcessServer.with { server in
            let api = try await Self.provisioned(server, slug: "reap")
            let pid = try #require(server.pid)
            for i in 0..<50 {
                let rotated = try await api.call("POST", "/engines/alice/rotate-key")
                #expect(rotated.status == 200, "rotation \(i): \(rotated.raw)")
            }
            // The monitor reaps within one look (200 ms); allow a few.
            try? await eventually(timeout: .seconds(5), "no zombies") { ProcFS.zombies(of: pid).isEmpty }
            let zombies = ProcFS.zombies(of: pid)
            print("after 50 rotate-key calls: \(zombies.count) zombie children of the server")
            #expect(zombies.isEmpty, "zombies: \(zombies)")
        }
    }
}
