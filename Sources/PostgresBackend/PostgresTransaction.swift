import DesiredState
import Foundation
import Logging
import PostgresNIO
import StoreSupport

/// `StoreTransaction` on one Postgres connection inside `BEGIN … COMMIT`.
struct PostgresTransaction: StoreTransaction {
    let connection: PostgresConnection
    let logger: Logger

    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await connection.query(query, logger: logger) { rows.append(row) }
        return rows
    }

    func liveProduct(id: UUID, lock: Bool) async throws -> Product? {
        try await rows("""
            SELECT \(unescaped: PostgresRows.productColumns) FROM products
            WHERE id = \(id) AND deleted_at IS NULL \(unescaped: lock ? "FOR UPDATE" : "")
            """).first.map(PostgresRows.product)
    }

    func liveProduct(slug: String, lock: Bool) async throws -> Product? {
        try await rows("""
            SELECT \(unescaped: PostgresRows.productColumns) FROM products
            WHERE slug = \(slug) AND deleted_at IS NULL \(unescaped: lock ? "FOR UPDATE" : "")
            """).first.map(PostgresRows.product)
    }

    func insertProduct(_ product: Product) async throws {
        let policy = try StoreJSON.encode(product.policy)
        try await connection.query("""
            INSERT INTO products (id, slug, display_name, api_key_hash, policy, created_at, generation)
            VALUES (\(product.id), \(product.slug), \(product.displayName), \(product.apiKeyHash), \(policy)::jsonb,
                    \(StoreJSON.seconds(product.createdAt)), \(product.generation))
            """, logger: logger)
    }

    func updateProduct(_ product: Product) async throws {
        let policy = try StoreJSON.encode(product.policy)
        try await connection.query("""
            UPDATE products SET display_name = \(product.displayName), api_key_hash = \(product.apiKeyHash),
              policy = \(policy)::jsonb, generation = \(product.generation)
            WHERE id = \(product.id)
            """, logger: logger)
    }

    func markProductDeleted(id: UUID, now: Date) async throws -> Bool {
        try await !rows("""
            UPDATE products SET deleted_at = \(StoreJSON.seconds(now)), generation = generation + 1
            WHERE id = \(id) AND deleted_at IS NULL RETURNING id
            """).isEmpty
    }

    func engine(id: UUID, lock: Bool) async throws -> EngineRecord? {
        try await rows("""
            SELECT \(unescaped: PostgresRows.engineColumns) FROM engines
            WHERE id = \(id) \(unescaped: lock ? "FOR UPDATE" : "")
            """).first.map(PostgresRows.engine)
    }

    func engines(ids: [UUID], lock: Bool) async throws -> [EngineRecord] {
        try await rows("""
            SELECT \(unescaped: PostgresRows.engineColumns) FROM engines
            WHERE id = ANY(\(ids)::uuid[]) ORDER BY id \(unescaped: lock ? "FOR UPDATE" : "")
            """).map(PostgresRows.engine)
    }

    func liveEngine(productID: UUID, userID: String, lock: Bool) async throws -> EngineRecord? {
        try await rows("""
            SELECT \(unescaped: PostgresRows.engineColumns) FROM engines
            WHERE product_id = \(productID) AND user_id = \(userID) AND deletion_requested_at IS NULL
            \(unescaped: lock ? "FOR UPDATE" : "")
            """).first.map(PostgresRows.engine)
    }

    func countLiveEngines(productID: UUID) async throws -> Int {
        let rows = try await rows("""
            SELECT count(*) FROM engines WHERE product_id = \(productID) AND deletion_requested_at IS NULL
            """)
        return try Int(rows.first?.decode(Int64.self) ?? 0)
    }

    func liveEngines(productID: UUID) async throws -> [EngineRecord] {
        try await rows("""
            SELECT \(unescaped: PostgresRows.engineColumns) FROM engines
            WHERE product_id = \(productID) AND deletion_requested_at IS NULL ORDER BY seq FOR UPDATE
            """).map(PostgresRows.engine)
    }

    func insertEngine(_ engine: EngineRecord) async throws {
        let spec = try StoreJSON.encode(engine.spec)
        let status = try StoreJSON.encode(engine.status)
        try await connection.query("""
            INSERT INTO engines (id, product_id, user_id, spec, generation, key_version, deletion_requested_at,
              created_at, spec_changed_at, last_activity_at, status, phase, revision, key_scheme)
            VALUES (\(engine.id), \(engine.productID), \(engine.userID), \(spec)::jsonb, \(engine.generation),
              \(engine.keyVersion), \(engine.deletionRequestedAt.map(StoreJSON.seconds)), \(StoreJSON.seconds(engine.createdAt)),
              \(StoreJSON.seconds(engine.specChangedAt)), \(engine.lastActivityAt.map(StoreJSON.seconds)),
              \(status)::jsonb, \(engine.status.phase.rawValue), \(engine.revision), \(engine.keyScheme))
            """, logger: logger)
    }

    func updateEngineSpec(_ engine: EngineRecord) async throws {
        let spec = try StoreJSON.encode(engine.spec)
        try await connection.query("""
            UPDATE engines SET spec = \(spec)::jsonb, generation = \(engine.generation),
              spec_changed_at = \(StoreJSON.seconds(engine.specChangedAt)),
              deletion_requested_at = \(engine.deletionRequestedAt.map(StoreJSON.seconds))
            WHERE id = \(engine.id)
            """, logger: logger)
    }

    func updateEngineStatuses(_ writes: [StatusWrite]) async throws {
        let json = try writes.map { try StoreJSON.encode($0.status) }
        try await connection.query("""
            UPDATE engines SET status = v.status::jsonb, phase = v.phase
            FROM unnest(\(writes.map(\.engineID))::uuid[], \(json)::text[], \(writes.map(\.status.phase.rawValue))::text[])
              AS v(id, status, phase)
            WHERE engines.id = v.id
            """, logger: logger)
    }

    func deleteEngine(id: UUID) async throws -> EngineRecord? {
        try await rows("""
            DELETE FROM engines WHERE id = \(id) RETURNING \(unescaped: PostgresRows.engineColumns)
            """).first.map(PostgresRows.engine)
    }

    func record(_ changes: [PendingChange]) async throws {
        guard !changes.isEmpty else { return }
        let count = Int64(changes.count)
        // One round trip. The counter row is the last lock of the transaction: held until
        // commit, it orders commits by revision (gap-free). The NOTIFY is sent at commit.
        try await connection.query("""
            WITH counter AS (
              UPDATE revision_counter SET value = value + \(count) WHERE id = 1 RETURNING value
            ), input AS (
              SELECT counter.value - \(count) + u.ord AS revision, u.engine_id, u.product_id, u.user_id, u.kind
              FROM counter, unnest(\(changes.map(\.engineID))::uuid[], \(changes.map(\.productID))::uuid[],
                                   \(changes.map(\.userID))::text[], \(changes.map(\.kind.rawValue))::text[])
                WITH ORDINALITY AS u(engine_id, product_id, user_id, kind, ord)
            ), logged AS (
              INSERT INTO changes (revision, engine_id, product_id, user_id, kind)
              SELECT revision, engine_id, product_id, user_id, kind FROM input
            ), stamped AS (
              UPDATE engines SET revision = v.revision
              FROM (SELECT engine_id, max(revision) AS revision FROM input GROUP BY engine_id) AS v
              WHERE engines.id = v.engine_id
            )
            SELECT pg_notify(\(PostgresStore.channel), (SELECT value FROM counter)::text)
            """, logger: logger)
    }
}
