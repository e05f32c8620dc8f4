import DesiredState
import Foundation
import Logging
import PostgresBackend
import PostgresNIO
import SQLiteBackend
import StoreSupport

/// Which `Store` implementation a conformance test runs against.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres, memory
    public var description: String { rawValue }

    /// The database backends: what suites that test more than the store contract run against.
    public static let databases: [StoreKind] = [.sqlite, .postgres]
}

/// Fresh, isolated, migrated stores for tests: a new SQLite file per call, or a new Postgres
/// database `bap_test_<random>` on the `scripts/test` cluster (dropped afterwards). The stores'
/// `run()` is running for the duration of `body`.
public enum StoreFactory {
    public static let logger: Logger = {
        var logger = Logger(label: "bap.test.store")
        logger.logLevel = .warning
        return logger
    }()

    /// One fresh store.
    public static func withStore<T: Sendable>(
        _ kind: StoreKind, maxConnections: Int = 20, _ body: (any Store) async throws -> T
    ) async throws -> T {
        try await withStores(kind, count: 1, maxConnections: maxConnections) { stores in try await body(stores[0]) }
    }

    /// `count` stores on ONE fresh database. On Postgres each has its own `PostgresClient` (as
    /// separate replicas would); SQLite has one connection per file by design, so its stores
    /// are the same instance.
    public static func withStores<T: Sendable>(
        _ kind: StoreKind, count: Int, maxConnections: Int = 20, _ body: ([any Store]) async throws -> T
    ) async throws -> T {
        switch kind {
        case .sqlite: try await withSQLite(count: count, body)
        case .postgres: try await withPostgres(count: count, maxConnections: maxConnections, body)
        case .memory: try await withMemory(count: count, body)
        }
    }

    /// One `InMemoryStore`, shared by all `count` (as SQLite's stores are).
    private static func withMemory<T: Sendable>(count: Int, _ body: ([any Store]) async throws -> T) async throws -> T {
        let store = InMemoryStore()
        return try await running([store]) { try await body(Array(repeating: store, count: count)) }
    }

    private static func withSQLite<T: Sendable>(count: Int, _ body: ([any Store]) async throws -> T) async throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bap-test-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try await SQLiteStore.open(path: path, logger: logger)
        try await store.migrate()
        return try await running([store]) { try await body(Array(repeating: store, count: count)) }
    }

    private static func withPostgres<T: Sendable>(count: Int, maxConnections: Int, _ body: ([any Store]) async throws -> T) async throws -> T {
        let admin = try PostgresStore.configuration(url: TestEnvironment.postgresURL())
        let database = "bap_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        try await withAdmin(admin) { client in
            // The name is generated above from hex digits only: safe to splice into DDL.
            try await client.query("CREATE DATABASE \(unescaped: database)", logger: logger)
        }
        var configuration = admin
        configuration.database = database
        configuration.options.maximumConnections = maxConnections
        let stores = (0..<count).map { _ in PostgresStore(configuration: configuration, logger: logger) }
        let result: Result<T, any Error>
        do {
            result = .success(try await running(stores) {
                try await stores[0].migrate()
                return try await body(stores)
            })
        } catch {
            result = .failure(error)
        }
        try? await withAdmin(admin) { client in
            try await client.query("DROP DATABASE IF EXISTS \(unescaped: database) WITH (FORCE)", logger: logger)
        }
        return try result.get()
    }

    /// Runs the stores' `run()` around `body`, then cancels them.
    public static func running<T: Sendable>(_ stores: [any Store], _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.run() } }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    private static func withAdmin(_ configuration: PostgresClient.Configuration, _ body: (PostgresClient) async throws -> Void) async throws {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await body(client)
        }
    }
}
