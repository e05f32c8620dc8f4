import DesiredState
import Foundation
import Logging
import PostgresBackend
import PostgresNIO
import SQLiteBackend
import Testing
import TestSupport

/// Backend-specific behaviour the conformance suite cannot express for both stores.
@Suite("Store backends")
struct StoreBackendTests {
    @Test("SQLite works in memory (the unit-test store)")
    func sqliteInMemory() async throws {
        let store = try await SQLiteStore.open(path: ":memory:", logger: StoreFactory.logger)
        try await StoreFactory.running([store]) {
            try await store.migrate()
            try await store.migrate()
            let product = try await StoreConformance.product(store)
            let engine = try await StoreConformance.engine(store, product, "alice")
            #expect(try await store.engine(id: engine.id) == engine)
        }
    }

    @Test("a SQLite store dropped without run() closes its connection (no sqlite-nio assertion)")
    func sqliteDroppedWithoutRun() async throws {
        for _ in 0..<3 {
            let store = try await SQLiteStore.open(path: nil, logger: StoreFactory.logger)
            try await store.migrate()
            _ = try await StoreConformance.product(store)
        }
        try await Task.sleep(for: .milliseconds(100))
    }

    /// PostgresNIO keeps a request waiting for a connection until its own breaker trips (60 s
    /// of failed connects, not configurable in 1.33); the store bounds that wait itself. The
    /// figure is printed; the bound only catches the old minute-long wait.
    @Test("an unreachable Postgres is `.unavailable` within the lease deadline, not after the pool's minute")
    func postgresUnavailable() async throws {
        var configuration = try PostgresStore.configuration(url: "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable")
        configuration.options.connectTimeout = .seconds(1)
        let store = PostgresStore(configuration: configuration, leaseDeadline: .seconds(2), busyLeaseDeadline: .seconds(2), logger: StoreFactory.logger)
        try await StoreFactory.running([store]) {
            let clock = ContinuousClock()
            let started = clock.now
            await #expect { _ = try await store.product(id: UUID()) } throws: { error in
                (error as? StoreError)?.code == .unavailable
            }
            await #expect { try await store.writeStatuses([StatusWrite(engineID: UUID(), status: EngineStatus())]) } throws: { error in
                (error as? StoreError)?.code == .unavailable
            }
            let took = started.duration(to: clock.now)
            print("unreachable Postgres: two calls answered .unavailable in \(took)")
            #expect(took < .seconds(30))
        }
    }

    @Test("database URLs parse; a bad one never echoes its password", arguments: [
        "mysql://u:hunter2secret@h/db", "postgres://:hunter2secret@/db", "postgres://u:hunter2secret@h/db?sslmode=bogus",
    ])
    func badURLs(url: String) {
        #expect { _ = try PostgresStore.configuration(url: url) } throws: { error in
            "\(error)".contains("ORCH_DATABASE_URL") && !"\(error)".contains("hunter2secret")
        }
    }

    @Test("a good database URL gives host, port, user, password and database")
    func goodURL() throws {
        let configuration = try PostgresStore.configuration(url: "postgresql://orch_user:p%40ss@db.local:6543/orchestrator?sslmode=disable")
        #expect(configuration.host == "db.local" && configuration.port == 6543)
        #expect(configuration.username == "orch_user" && configuration.password == "p@ss" && configuration.database == "orchestrator")
    }
}
