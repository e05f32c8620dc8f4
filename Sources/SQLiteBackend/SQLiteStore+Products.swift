import DesiredState
import Foundation
import SQLiteNIO
import StoreSupport

extension SQLiteStore {
    /// Deleted products are not found (by id, slug or key).
    public func product(id: UUID) async throws -> Product? {
        try await rows("SELECT * FROM products WHERE id = ?1 AND deleted_at IS NULL", [.uuid(id)]).first.map(SQLiteRows.product)
    }

    public func product(slug: String) async throws -> Product? {
        try await rows("SELECT * FROM products WHERE slug = ?1 AND deleted_at IS NULL", [.text(slug)]).first.map(SQLiteRows.product)
    }

    public func product(apiKeyHash: String) async throws -> Product? {
        try await rows("SELECT * FROM products WHERE api_key_hash = ?1 AND deleted_at IS NULL", [.text(apiKeyHash)])
            .first.map(SQLiteRows.product)
    }

    public func listProducts() async throws -> [Product] {
        try await rows("SELECT * FROM products WHERE deleted_at IS NULL ORDER BY created_at, slug").map(SQLiteRows.product)
    }

    public func finalizeProductDeletions() async throws -> [UUID] {
        try await rows("""
            DELETE FROM products WHERE deleted_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM engines e WHERE e.product_id = products.id) RETURNING id
            """).map { try $0.uuid("id") }
    }
}
