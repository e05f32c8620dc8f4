import DesiredState
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Versioned schema changes, applied in order, each once. Never edit a shipped entry: add one.
    /// Times are epoch seconds (`DOUBLE PRECISION`, exact round-trip of `Date`), except in
    /// `audit_log`, which keeps the original service's DDL (REFERENCE.md §8) verbatim.
    static let migrations: [(version: Int, statements: [String])] = [
        (1, [
            """
            CREATE TABLE products (
              id UUID PRIMARY KEY,
              slug TEXT NOT NULL,
              display_name TEXT NOT NULL,
              api_key_hash TEXT NOT NULL,
              policy JSONB NOT NULL DEFAULT '{}',
              created_at DOUBLE PRECISION NOT NULL,
              generation BIGINT NOT NULL DEFAULT 1,
              deleted_at DOUBLE PRECISION
            )
            """,
            // A deleted product's slug is free again at once; its rows linger until finalized.
            "CREATE UNIQUE INDEX products_live_slug ON products (slug) WHERE deleted_at IS NULL",
            "CREATE INDEX products_api_key_hash ON products (api_key_hash) WHERE deleted_at IS NULL",
            """
            CREATE TABLE engines (
              id UUID PRIMARY KEY,
              seq BIGSERIAL NOT NULL,
              product_id UUID NOT NULL REFERENCES products(id) ON DELETE CASCADE,
              user_id TEXT NOT NULL,
              spec JSONB NOT NULL,
              generation BIGINT NOT NULL,
              key_version INTEGER NOT NULL,
              deletion_requested_at DOUBLE PRECISION,
              created_at DOUBLE PRECISION NOT NULL,
              spec_changed_at DOUBLE PRECISION NOT NULL,
              last_activity_at DOUBLE PRECISION,
              status JSONB NOT NULL,
              phase TEXT NOT NULL,
              revision BIGINT NOT NULL
            )
            """,
            // One live engine per user; one being destroyed may coexist with its replacement.
            "CREATE UNIQUE INDEX engines_live_user ON engines (product_id, user_id) WHERE deletion_requested_at IS NULL",
            "CREATE INDEX engines_product_seq ON engines (product_id, seq)",
            "CREATE INDEX engines_phase ON engines (phase)",
            "CREATE TABLE revision_counter (id INTEGER PRIMARY KEY, value BIGINT NOT NULL)",
            "INSERT INTO revision_counter (id, value) VALUES (1, 0)",
            """
            CREATE TABLE changes (
              revision BIGINT PRIMARY KEY,
              engine_id UUID NOT NULL,
              product_id UUID NOT NULL,
              user_id TEXT NOT NULL,
              kind TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE rate_buckets (
              key TEXT PRIMARY KEY,
              tokens DOUBLE PRECISION NOT NULL,
              updated_at DOUBLE PRECISION NOT NULL,
              allowed BOOLEAN NOT NULL
            )
            """,
            "CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)",
            """
            CREATE TABLE audit_log (
              id BIGSERIAL PRIMARY KEY,
              timestamp TIMESTAMPTZ NOT NULL DEFAULT now(),
              product_id UUID,
              user_id TEXT,
              engine_id UUID,
              action TEXT NOT NULL,
              actor TEXT NOT NULL DEFAULT 'system',
              metadata JSONB NOT NULL DEFAULT '{}',
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
        (4, ["ALTER TABLE revision_counter ADD COLUMN compacted_through BIGINT NOT NULL DEFAULT 0"]),
    ]

    /// Key of the transaction-scoped advisory lock that serializes migrating replicas.
    static let migrationLockKey: Int64 = 0x6261_705F_6D69_67  // "bap_mig"

    /// Applies the migrations not yet recorded in `schema_migrations`, all in one transaction
    /// under an advisory lock: replicas starting together apply each version exactly once, and
    /// a failure leaves the schema as it was.
    public func migrate() async throws {
        try await transaction { tx in
            let connection = tx.connection
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: self.logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: self.logger
            )
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: self.logger).decode(Int.self) {
                applied.insert(version)
            }
            for migration in Self.migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await connection.query("INSERT INTO schema_migrations (version) VALUES (\(migration.version))", logger: self.logger)
                self.logger.info("applied schema migration", metadata: ["version": "\(migration.version)"])
            }
        }
    }
}
