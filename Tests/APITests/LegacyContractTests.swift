@testable import API
import DesiredState
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// The legacy stop and delete answer as the original's synchronous calls did (issue 11): stop
/// returns once the engine is observed stopped; after DELETE the user is gone at once for the
/// legacy API and can be provisioned again while the old engine is torn down. On both real
/// stores (SQLite file, Postgres), with the fake controller converging in the background.
@Suite("Legacy stop and delete contract")
struct LegacyContractTests {
    /// The API over a fresh real store with `controller` running; `configure` adjusts the harness.
    func withAPI(
        _ kind: StoreKind, controller: FakeController = FakeController(), configure: (inout Harness) -> Void = { _ in },
        _ body: @escaping @Sendable (any TestClientProtocol, Harness) async throws -> Void
    ) async throws {
        try await StoreFactory.withStore(kind) { store in
            var harness = Harness(store: store)
            configure(&harness)
            let ready = harness
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try? await controller.run(store: store) }
                try await ready.app().test(.router) { client in try await body(client, ready) }
                group.cancelAll()
            }
        }
    }

    func provision(_ client: any TestClientProtocol, _ key: String, _ user: String) async throws -> [String: Any] {
        let response = try await client.call(.post, "/engines/provision", platformKey: key, json: #"{"user_id":"\#(user)"}"#)
        #expect(response.status == .ok, "\(response.text)")
        return try response.jsonObject()
    }

    @Test("stop answers once the engine is observed stopped: an immediate GET and list say stopped", arguments: StoreKind.databases)
    func stopWaits(kind: StoreKind) async throws {
        // The controller takes 400 ms to stop: an answer before it would still read "running".
        try await withAPI(kind, controller: FakeController(stopDelay: .milliseconds(400))) { client, harness in
            let p = try await client.register("bap")
            let created = try await provision(client, p.key, "u")
            let stop = try await client.call(.post, "/engines/u/stop", platformKey: p.key)
            #expect(stop.status == .ok)
            #expect(try stop.jsonObject()["status"] as? String == "stopped")
            #expect(try stop.jsonObject()["engine_id"] as? String == created["engine_id"] as? String)
            let got = try await client.call(.get, "/engines/u", platformKey: p.key)
            #expect(try got.jsonObject()["status"] as? String == "stopped")
            let listed = try await client.call(.get, "/engines?status=stopped", platformKey: p.key).jsonObject()
            #expect(listed["total"] as? Int == 1)
            let productID = try #require(UUID(uuidString: p.id))
            let record = try #require(try await harness.store.engine(productID: productID, userID: "u"))
            #expect(record.status.phase == .stopped && record.status.observedGeneration == record.generation)
            // Stopped already: the original's 409, and start brings it back.
            #expect(try await client.call(.post, "/engines/u/stop", platformKey: p.key).errorCode == "ENGINE_NOT_RUNNING")
            #expect(try await client.call(.post, "/engines/u/start", platformKey: p.key).status == .ok)
        }
    }

    @Test("a stop never observed answers 504 STOP_TIMEOUT past the bound, and /v1 shows it asked", arguments: StoreKind.databases)
    func stopTimesOut(kind: StoreKind) async throws {
        try await withAPI(kind, controller: FakeController(holding: [.stopped]), configure: { $0.stopTimeout = .milliseconds(400) }) { client, _ in
            let p = try await client.register("bap")
            _ = try await provision(client, p.key, "u")
            let started = ContinuousClock.now
            let stop = try await client.call(.post, "/engines/u/stop", platformKey: p.key)
            #expect(stop.status == .gatewayTimeout && stop.errorCode == "STOP_TIMEOUT")
            #expect(stop.errorMessage?.isEmpty == false)
            #expect(ContinuousClock.now - started < .seconds(30))  // Bounded, not hung.
            let v1 = try await client.call(.get, "/v1/products/bap/engines/u", admin: true).jsonObject()
            #expect((v1["spec"] as? [String: Any])?["state"] as? String == "stopped")
        }
    }

    @Test("stop of an engine deleted while it waits answers 404 ENGINE_NOT_FOUND", arguments: StoreKind.databases)
    func stopThenDeleted(kind: StoreKind) async throws {
        try await withAPI(kind, controller: FakeController(holding: [.stopped], keepDeleted: true)) { client, _ in
            let p = try await client.register("bap")
            _ = try await provision(client, p.key, "u")
            async let stop = client.call(.post, "/engines/u/stop", platformKey: p.key)
            try await eventuallyTrue {
                let v1 = try await client.call(.get, "/v1/products/bap/engines/u", admin: true).jsonObject()
                return (v1["spec"] as? [String: Any])?["state"] as? String == "stopped"
            }
            #expect(try await client.call(.delete, "/engines/u", platformKey: p.key).status == .ok)
            let answer = try await stop
            #expect(answer.status == .notFound && answer.errorCode == "ENGINE_NOT_FOUND")
        }
    }

    @Test("after DELETE the user is gone for every legacy endpoint and no key is handed out anywhere", arguments: StoreKind.databases)
    func deleteIsGoneAtOnce(kind: StoreKind) async throws {
        // The teardown never finishes here: everything below happens while it is under way.
        try await withAPI(kind, controller: FakeController(keepDeleted: true)) { client, _ in
            let p = try await client.register("bap")
            let created = try await provision(client, p.key, "u")
            let oldKey = try #require(created["api_key"] as? String)
            let deleted = try await client.call(.delete, "/engines/u", platformKey: p.key)
            #expect(deleted.status == .ok)
            #expect(try deleted.jsonObject()["status"] as? String == "destroyed")

            for (method, path) in [(HTTPRequest.Method.get, "/engines/u"), (.post, "/engines/u/start"), (.post, "/engines/u/stop"),
                                   (.post, "/engines/u/rotate-key"), (.delete, "/engines/u")] {
                let response = try await client.call(method, path, platformKey: p.key)
                #expect(response.status == .notFound && response.errorCode == "ENGINE_NOT_FOUND", "\(method) \(path): \(response.text)")
                #expect(!response.text.contains(oldKey))
            }
            let list = try await client.call(.get, "/engines", platformKey: p.key)
            #expect(try list.jsonObject()["total"] as? Int == 0)
            #expect(try (list.jsonObject()["engines"] as? [Any])?.isEmpty == true)
            #expect(try await client.call(.get, "/engines?status=destroying", platformKey: p.key).jsonObject()["total"] as? Int == 0)
            let admit = try await client.call(.post, "/engines/u/admit", platformKey: p.key, json: #"{"auto_wake":true}"#)
            #expect(try admit.jsonObject()["admitted"] as? Bool == false)
            #expect(try admit.jsonObject()["reason"] as? String == "engine_not_found")
            #expect(!admit.text.contains(oldKey))

            // /v1 keeps showing the terminating engine, Kubernetes style, and never a key.
            let v1 = try await client.call(.get, "/v1/products/bap/engines/u", platformKey: p.key)
            #expect(v1.status == .ok)
            #expect(try v1.jsonObject()["deletion_requested_at"] is String)
            #expect(try v1.jsonObject()["engine_id"] as? String == created["engine_id"] as? String)
            #expect(!v1.text.contains(oldKey) && !v1.text.contains("api_key"))
            let v1List = try await client.call(.get, "/v1/products/bap/engines", platformKey: p.key)
            #expect(try v1List.jsonObject()["total"] as? Int == 1)
            #expect(!v1List.text.contains(oldKey))
        }
    }

    @Test("the same user id is provisioned again right away: a new engine while the old one is torn down", arguments: StoreKind.databases)
    func reprovisionAfterDelete(kind: StoreKind) async throws {
        try await withAPI(kind, controller: FakeController(keepDeleted: true)) { client, harness in
            let p = try await client.register("bap", policy: #"{"max_engines":1}"#)
            let first = try await provision(client, p.key, "u")
            #expect(try await client.call(.delete, "/engines/u", platformKey: p.key).status == .ok)

            // Quota counts live engines only: the terminating one does not block max_engines 1.
            let second = try await provision(client, p.key, "u")
            let oldID = try #require(first["engine_id"] as? String)
            let newID = try #require(second["engine_id"] as? String)
            #expect(newID != oldID)
            #expect(second["status"] as? String == "running")
            let got = try await client.call(.get, "/engines/u", platformKey: p.key).jsonObject()
            #expect(got["engine_id"] as? String == newID)
            #expect(got["api_key"] as? String == second["api_key"] as? String)
            let list = try await client.call(.get, "/engines", platformKey: p.key).jsonObject()
            #expect(list["total"] as? Int == 1)
            #expect(((list["engines"] as? [[String: Any]])?.first?["engine_id"]) as? String == newID)

            // Both rows exist in the store: the old one still terminating, the new one live.
            let productID = try #require(UUID(uuidString: p.id))
            let page = try await harness.store.listEngines(EngineQuery(productID: productID))
            #expect(page.total == 2)
            #expect(page.engines.first { $0.id.uuidString.lowercased() == oldID }?.isMarkedForDeletion == true)
            #expect(page.engines.first { $0.id.uuidString.lowercased() == newID }?.isMarkedForDeletion == false)
            // /v1 GET answers the live engine.
            let v1 = try await client.call(.get, "/v1/products/bap/engines/u", platformKey: p.key).jsonObject()
            #expect(v1["engine_id"] as? String == newID)
        }
    }

    @Test("admit with auto_provision after DELETE provisions a new engine, not the terminating one", arguments: StoreKind.databases)
    func admitAfterDelete(kind: StoreKind) async throws {
        try await withAPI(kind, controller: FakeController(keepDeleted: true)) { client, _ in
            let p = try await client.register("bap")
            let first = try await provision(client, p.key, "u")
            #expect(try await client.call(.delete, "/engines/u", platformKey: p.key).status == .ok)
            let admit = try await client.call(.post, "/engines/u/admit", platformKey: p.key, json: #"{"auto_provision":true}"#).jsonObject()
            #expect(admit["admitted"] as? Bool == true)
            let engine = try #require(admit["engine"] as? [String: Any])
            #expect(engine["engine_id"] as? String != first["engine_id"] as? String)
            #expect(engine["status"] as? String == "running")
        }
    }

    @Test("settledStopped: stopped for the generation, a retried failed stop keeps waiting, deleted is gone, restarted is superseded")
    func settledStopped() throws {
        let now = Date()
        var engine = EngineRecord(
            id: UUID(), productID: UUID(), userID: "u", spec: EngineSpec(state: .stopped), generation: 3, keyVersion: 1,
            deletionRequestedAt: nil, createdAt: now, specChangedAt: now, lastActivityAt: nil, status: EngineStatus(phase: .running, observedGeneration: 2), revision: 1
        )
        #expect(ReadyWaiter.settledStopped(engine, generation: 3) == nil)  // Not observed yet.
        engine.status.phase = .stopped
        engine.status.observedGeneration = 3
        engine.status.conditions.set(.degraded, .true, reason: .runtimeUnavailable, message: "docker down", now: now)
        #expect(ReadyWaiter.settledStopped(engine, generation: 3) == nil)  // Stop failed, will be retried.
        engine.status.conditions.set(.degraded, .false, reason: .asExpected, message: "", now: now)
        guard case .stopped? = ReadyWaiter.settledStopped(engine, generation: 3) else { Issue.record("not stopped"); return }
        var restarted = engine
        restarted.spec.state = .awake
        guard case .superseded? = ReadyWaiter.settledStopped(restarted, generation: 3) else { Issue.record("not superseded"); return }
        var deleted = engine
        deleted.deletionRequestedAt = now
        guard case .gone? = ReadyWaiter.settledStopped(deleted, generation: 3) else { Issue.record("not gone"); return }
    }
}
