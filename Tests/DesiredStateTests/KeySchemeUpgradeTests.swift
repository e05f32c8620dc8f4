@testable import DesiredState
import Foundation
@testable import PostgresBackend
import PostgresNIO
@testable import SQLiteBackend
import SQLiteNIO
import Testing
import TestSupport

/// Engines that existed before schema migration 3 keep the keys their products hold: the
/// migration gives every existing row key scheme 1, the old derivation.
@Suite("Key scheme upgrade")
struct KeySchemeUpgradeTests {
    @Test("a row written before migration 3 reads as scheme 1 after it and derives its old key", arguments: StoreKind.databases)
    func existingRowsKeepTheirKeys(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let demo = try await StoreConformance.product(store)
            let engine = try await StoreConformance.engine(store, demo, "alice")
            // Back to the schema of version 2, with the row in it, then upgrade again.
            for sql in [
                "ALTER TABLE engines DROP COLUMN key_scheme", "ALTER TABLE revision_counter DROP COLUMN compacted_through",
                "DELETE FROM schema_migrations WHERE version >= 3",
            ] {
                switch store {
                case let sqlite as SQLiteStore: _ = try await sqlite.rows(sql)
                case let postgres as PostgresStore: _ = try await postgres.rows(PostgresQuery(unsafeSQL: sql))
                default: Issue.record("unknown store \(type(of: store))")
                }
            }
            try await store.migrate()
            let upgraded = try #require(try await store.engine(id: engine.id))
            #expect(upgraded.keyScheme == 1)
            #expect(try await store.engineSummaries().first?.keyScheme == 1)
            let keys = StoreConformance.keys
            let legacy = keys.key(productID: demo.id, userID: "alice", keyGeneration: 1, keyVersion: 1)
            #expect(legacy != nil && keys.key(for: upgraded) == legacy, "an engine from before the upgrade keeps its key")
            #expect(try await StoreConformance.engine(store, demo, "bob").keyScheme == 2, "new rows take scheme 2 after the upgrade")
        }
    }
}
