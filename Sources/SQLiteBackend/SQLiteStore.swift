import DesiredState
import Foundation
import Logging
import SQLiteNIO
import ServiceLifecycle
import StoreSupport

/// The embedded `Store`: one SQLite file (WAL) or `:memory:`, one connection, one replica.
/// Transactions are serialized on the connection by an async FIFO lock, so every guarantee of
/// `PostgresStore` (quota, gap-free revisions, exact token buckets) holds trivially in process.
/// `waitForChange` is woken in process after each commit.
public final class SQLiteStore: Store, TransactionalStore, ChangeLogBackend, Sendable {
    let connection: SQLiteConnection
    let logger: Logger
    let lock = AsyncLock()
    public let broadcaster = RevisionBroadcaster()

    init(connection: SQLiteConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    deinit {
        // sqlite-nio asserts (debug builds) that a connection is closed before it is freed; a
        // store dropped without `run()` having closed it is closed here. The close job holds
        // the connection until done, and closing an already closed connection is a no-op.
        _ = connection.close()
    }

    /// Opens (creating if needed) the database at `path`; `nil` or `":memory:"` is in memory.
    /// Call `migrate()` before use.
    public static func open(path: String?, logger: Logger) async throws -> SQLiteStore {
        let inMemory = path == nil || path == ":memory:"
        let storage: SQLiteConnection.Storage = inMemory ? .memory : .file(path: path ?? "")
        do {
            let connection = try await SQLiteConnection.open(storage: storage, logger: logger)
            if !inMemory { _ = try await connection.query("PRAGMA journal_mode = WAL") }
            _ = try await connection.query("PRAGMA synchronous = NORMAL")
            _ = try await connection.query("PRAGMA foreign_keys = ON")
            _ = try await connection.query("PRAGMA busy_timeout = 5000")
            return SQLiteStore(connection: connection, logger: logger)
        } catch {
            throw StoreError(.unavailable, detail: "cannot open the SQLite database: \(error)")
        }
    }

    /// Nothing runs in the background; waits for shutdown, then closes the connection.
    public func run() async throws {
        try? await gracefulShutdown()
        // The future-based close runs even when this task is cancelled (the async one throws
        // CancellationError first, and an unclosed connection traps on deinit).
        try? await connection.close().get()
    }

    /// Runs `body` in one `BEGIN IMMEDIATE … COMMIT` holding the connection lock; rolls back
    /// on throw. Publishes the new revision to waiters after a commit that changed it.
    func transaction<T: Sendable>(_ body: (SQLiteTransaction) async throws -> T) async throws -> T {
        try await lock.withLock {
            let tx = SQLiteTransaction(connection: connection)
            do {
                _ = try await connection.query("BEGIN IMMEDIATE")
            } catch {
                throw Self.storeError(error)
            }
            do {
                let value = try await body(tx)
                _ = try await connection.query("COMMIT")
                if let revision = tx.lastRevision { broadcaster.publish(revision) }
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK")
                throw Self.storeError(error)
            }
        }
    }

    public func withStoreTransaction<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await transaction { tx in try await body(tx) }
    }

    /// One statement under the connection lock (no explicit transaction).
    func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try await lock.withLock {
            do {
                return try await connection.query(sql, binds)
            } catch {
                throw Self.storeError(error)
            }
        }
    }

    /// Unique violations to the "exists" codes, everything else to `.unavailable`.
    static func storeError(_ error: any Error) -> any Error {
        switch error {
        case is StoreError, is DryRunRollback, is CancellationError:
            return error
        case let error as SQLiteError:
            if case .constraintUniqueFailed = error.reason {
                if error.message.contains("products.") { return StoreError(.productSlugExists) }
                if error.message.contains("engines.") { return StoreError(.engineAlreadyExists) }
            }
            return StoreError(.unavailable, detail: "sqlite: \(error.message)")
        default:
            return StoreError(.unavailable, detail: String(describing: type(of: error)))
        }
    }
}
