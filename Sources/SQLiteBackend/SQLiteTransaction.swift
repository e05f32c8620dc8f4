import DesiredState
import Foundation
import SQLiteNIO
import StoreSupport

/// `StoreTransaction` on the SQLite connection inside `BEGIN IMMEDIATE … COMMIT`. Row locks
/// are unnecessary: the store runs one transaction at a time.
final class SQLiteTransaction: StoreTransaction {
    let connection: SQLiteConnection
    /// The last revision `record` assigned, published to waiters after commit.
    private(set) var lastRevision: Int64?

    init(connection: SQLiteConnection) {
        self.connection = connection
    }

    func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try await connection.query(sql, binds)
    }

    func liveProduct(id: UUID, lock: Bool) async throws -> Product? {
        try await rows("SELECT * FROM products WHERE id = ?1 AND deleted_at IS NULL", [.uuid(id)]).first.map(SQLiteRows.product)
    }

    func liveProduct(slug: String, lock: Bool) async throws -> Product? {
        try await rows("SELECT * FROM products WHERE slug = ?1 AND deleted_at IS NULL", [.text(slug)]).first.map(SQLiteRows.product)
    }

    func insertProduct(_ product: Product) async throws {
        _ = try await rows("""
            INSERT INTO products (id, slug, display_name, api_key_hash, policy, created_at, generation)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """, [.uuid(product.id), .text(product.slug), .text(product.displayName), .text(product.apiKeyHash),
                  .text(try StoreJSON.encode(product.policy)), .time(product.createdAt), .int64(product.generation)])
    }

    func updateProduct(_ product: Product) async throws {
        _ = try await rows("""
            UPDATE products SET display_name = ?2, api_key_hash = ?3, policy = ?4, generation = ?5 WHERE id = ?1
            """, [.uuid(product.id), .text(product.displayName), .text(product.apiKeyHash),
                  .text(try StoreJSON.encode(product.policy)), .int64(product.generation)])
    }

    func markProductDeleted(id: UUID, now: Date) async throws -> Bool {
        try await !rows("""
            UPDATE products SET deleted_at = ?2, generation = generation + 1 WHERE id = ?1 AND deleted_at IS NULL RETURNING id
            """, [.uuid(id), .time(now)]).isEmpty
    }

    func engine(id: UUID, lock: Bool) async throws -> EngineRecord? {
        try await rows("SELECT * FROM engines WHERE id = ?1", [.uuid(id)]).first.map(SQLiteRows.engine)
    }

    func liveEngine(productID: UUID, userID: String, lock: Bool) async throws -> EngineRecord? {
        try await rows("""
            SELECT * FROM engines WHERE product_id = ?1 AND user_id = ?2 AND deletion_requested_at IS NULL
            """, [.uuid(productID), .text(userID)]).first.map(SQLiteRows.engine)
    }

    func countLiveEngines(productID: UUID) async throws -> Int {
        let rows = try await rows("""
            SELECT count(*) AS n FROM engines WHERE product_id = ?1 AND deletion_requested_at IS NULL
            """, [.uuid(productID)])
        return try Int(rows.first?.int64("n") ?? 0)
    }

    func liveEngines(productID: UUID) async throws -> [EngineRecord] {
        try await rows("""
            SELECT * FROM engines WHERE product_id = ?1 AND deletion_requested_at IS NULL ORDER BY seq
            """, [.uuid(productID)]).map(SQLiteRows.engine)
    }

    func insertEngine(_ engine: EngineRecord) async throws {
        _ = try await rows("""
            INSERT INTO engines (id, product_id, user_id, spec, generation, key_version, deletion_requested_at,
              created_at, spec_changed_at, last_activity_at, status, phase, revision, key_scheme)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
            """, [.uuid(engine.id), .uuid(engine.productID), .text(engine.userID), .text(try StoreJSON.encode(engine.spec)),
                  .int64(engine.generation), .int(engine.keyVersion), .time(engine.deletionRequestedAt), .time(engine.createdAt),
                  .time(engine.specChangedAt), .time(engine.lastActivityAt), .text(try StoreJSON.encode(engine.status)),
                  .text(engine.status.phase.rawValue), .int64(engine.revision), .int(engine.keyScheme)])
    }

    func updateEngineSpec(_ engine: EngineRecord) async throws {
        _ = try await rows("""
            UPDATE engines SET spec = ?2, generation = ?3, spec_changed_at = ?4, deletion_requested_at = ?5 WHERE id = ?1
            """, [.uuid(engine.id), .text(try StoreJSON.encode(engine.spec)), .int64(engine.generation),
                  .time(engine.specChangedAt), .time(engine.deletionRequestedAt)])
    }

    /// One statement per engine: SQLite runs in process, a round trip costs nothing.
    func updateEngineStatuses(_ writes: [StatusWrite]) async throws {
        for write in writes {
            _ = try await rows("UPDATE engines SET status = ?2, phase = ?3 WHERE id = ?1",
                               [.uuid(write.engineID), .text(try StoreJSON.encode(write.status)), .text(write.status.phase.rawValue)])
        }
    }

    func deleteEngine(id: UUID) async throws -> EngineRecord? {
        try await rows("DELETE FROM engines WHERE id = ?1 RETURNING *", [.uuid(id)]).first.map(SQLiteRows.engine)
    }

    func record(_ changes: [PendingChange]) async throws {
        guard !changes.isEmpty else { return }
        let last = try await rows("UPDATE revision_counter SET value = value + ?1 WHERE id = 1 RETURNING value",
                                  [.int(changes.count)]).first?.int64("value") ?? 0
        var revision = last - Int64(changes.count)
        for change in changes {
            revision += 1
            _ = try await rows("""
                INSERT INTO changes (revision, engine_id, product_id, user_id, kind) VALUES (?1, ?2, ?3, ?4, ?5)
                """, [.int64(revision), .uuid(change.engineID), .uuid(change.productID), .text(change.userID), .text(change.kind.rawValue)])
            _ = try await rows("UPDATE engines SET revision = ?2 WHERE id = ?1", [.uuid(change.engineID), .int64(revision)])
        }
        lastRevision = last
    }
}
