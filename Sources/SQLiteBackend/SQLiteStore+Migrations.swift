import DesiredState
import Foundation
import SQLiteNIO

extension SQLiteStore {
    /// The same schema as `PostgresStore.migrations`, in SQLite's types: UUIDs as text, times
    /// as epoch seconds (REAL), JSON as text. `audit_log` mirrors REFERENCE.md §8.
    static let migrations: [(version: Int, statements: [String])] = [
        (1, [
            """
            CREATE TABLE products (
              id TEXT PRIMARY KEY, slug TEXT NOT NULL, display_name TEXT NOT NULL, api_key_hash TEXT NOT NULL,
              policy TEXT NOT NULL DEFAULT '{}', created_at REAL NOT NULL, generation INTEGER NOT NULL DEFAULT 1,
              deleted_at REAL
            )
            """,
            "CREATE UNIQUE INDEX products_live_slug ON products (slug) WHERE deleted_at IS NULL",
            "CREATE INDEX products_api_key_hash ON products (api_key_hash) WHERE deleted_at IS NULL",
            """
            CREATE TABLE engines (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              id TEXT NOT NULL UNIQUE,
              product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
              user_id TEXT NOT NULL, spec TEXT NOT NULL, generation INTEGER NOT NULL, key_version INTEGER NOT NULL,
              deletion_requested_at REAL, created_at REAL NOT NULL, spec_changed_at REAL NOT NULL, last_activity_at REAL,
              status TEXT NOT NULL, phase TEXT NOT NULL, revision INTEGER NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX engines_live_user ON engines (product_id, user_id) WHERE deletion_requested_at IS NULL",
            "CREATE INDEX engines_product_seq ON engines (product_id, seq)",
            "CREATE INDEX engines_phase ON engines (phase)",
            "CREATE TABLE revision_counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)",
            "INSERT INTO revision_counter (id, value) VALUES (1, 0)",
            """
            CREATE TABLE changes (
              revision INTEGER PRIMARY KEY, engine_id TEXT NOT NULL, product_id TEXT NOT NULL, user_id TEXT NOT NULL,
              kind TEXT NOT NULL
            )
            """,
            "CREATE TABLE rate_buckets (key TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_at REAL NOT NULL, allowed INTEGER NOT NULL)",
            "CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at REAL NOT NULL)",
            """
            CREATE TABLE audit_log (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              timestamp REAL NOT NULL,
              product_id TEXT,
              user_id TEXT,
              engine_id TEXT,
              action TEXT NOT NULL,
              actor TEXT NOT NULL DEFAULT 'system',
              metadata TEXT NOT NULL DEFAULT '{}',
              duration_ms INTEGER
            )
            """,
            "CREATE INDEX idx_audit_log_timestamp ON audit_log (timestamp)",
            "CREATE INDEX idx_audit_log_action ON audit_log (action)",
            "CREATE INDEX idx_audit_log_product_user ON audit_log (product_id, user_id)",
        ]),
        // Engine key derivation scheme (see `EngineKeyDeriver`): rows that exist keep scheme 1,
        // so their keys do not change; the column default stays 1 and every insert names 2.
        (3, ["ALTER TABLE engines ADD COLUMN key_scheme INTEGER NOT NULL DEFAULT 1"]),
        // Change-log retention (`StoreRetention`): the newest revision whose entry may be gone.
        (4, ["ALTER TABLE revision_counter ADD COLUMN compacted_through INTEGER NOT NULL DEFAULT 0"]),
    ]

    /// Applies the migrations not yet in `schema_migrations`, in one transaction. Idempotent.
    public func migrate() async throws {
        try await transaction { tx in
            _ = try await tx.rows("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)")
            let applied = Set(try await tx.rows("SELECT version FROM schema_migrations").map { try $0.int64("version") })
            for migration in Self.migrations where !applied.contains(Int64(migration.version)) {
                for statement in migration.statements { _ = try await tx.rows(statement) }
                _ = try await tx.rows("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                                      [.int(migration.version), .time(Date())])
                logger.info("applied schema migration", metadata: ["version": "\(migration.version)"])
            }
        }
    }
}
