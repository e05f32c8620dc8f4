@testable import API
import DesiredState
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresBackend
import TestSupport
import Testing

/// A database that does not answer: PostgresNIO would queue requests for up to a minute.
/// The API must say 503 at once instead.
@Suite("Store outage")
struct StoreHealthTests {
    static func unreachableStore() throws -> PostgresStore {
        try PostgresStore(url: "postgres://postgres@127.0.0.1:1/nothing", maxConnections: 2, logger: Logger(label: "api-tests.down"))
    }

    /// What the composition root wires for Postgres (`Orchestrator.makeStore`).
    static func healthCheck(_ store: PostgresStore) -> StoreHealthCheck {
        StoreHealthCheck(ping: { _ = try await store.currentRevision() }, onUnreachable: { store.noteUnreachable() })
    }

    @Test("a store that does not answer is reported down within the check deadline")
    func checkTimesOut() async throws {
        let health = StoreHealth(check: Self.healthCheck(try Self.unreachableStore()), deadline: .milliseconds(300), logger: Logger(label: "api-tests"))
        #expect(health.enabled, "a store with a check is checked")
        let started = ContinuousClock.now
        #expect(await health.check() == false)
        #expect(started.duration(to: .now) < .seconds(10))
    }

    @Test("while the store is down every request but /health gets 503 STORE_UNAVAILABLE at once")
    func requestsFailFast() async throws {
        let store = try Self.unreachableStore()
        let env = APIEnvironment.make(store: store, configuration: Harness().configuration, storeHealth: Self.healthCheck(store))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await env.storeHealth.run() }
            defer { group.cancelAll() }
            try await eventually(timeout: .seconds(20), "store reported down") { !env.storeHealth.isUp }
            let app = Application(router: buildRoutes(env: env).router)
            try await app.test(.router) { client in
                let started = ContinuousClock.now
                let response = try await client.call(.get, "/engines/alice", platformKey: "pk-sept-anything")
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("STORE_UNAVAILABLE"))
                #expect(started.duration(to: .now) < .seconds(10), "answered without waiting for a connection")
                #expect(try await client.call(.get, "/health").status == .ok)
            }
        }
    }

    @Test("while the store is down /metrics still serves Prometheus text, with bap_store_up 0 (the store-down alert's input)")
    func metricsReportStoreDown() async throws {
        let store = try Self.unreachableStore()
        let env = APIEnvironment.make(store: store, configuration: Harness().configuration, storeHealth: Self.healthCheck(store))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await env.storeHealth.run() }
            defer { group.cancelAll() }
            try await eventually(timeout: .seconds(20), "store reported down") { !env.storeHealth.isUp }
            let app = Application(router: buildRoutes(env: env).router)
            try await app.test(.router) { client in
                let response = try await client.call(.get, "/metrics")
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                let line = text.split(separator: "\n").first { $0.hasPrefix("bap_store_up ") }
                #expect(line.flatMap { Double($0.dropFirst("bap_store_up ".count)) } == 0, "\(text.prefix(2000))")
                // With a platform key the JSON metrics need the store: 503 as every other call.
                #expect(try await client.call(.get, "/metrics", platformKey: "pk-sept-anything").status == .serviceUnavailable)
            }
        }
    }
}
