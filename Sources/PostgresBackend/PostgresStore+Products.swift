import DesiredState
import Foundation
import PostgresNIO
import StoreSupport

extension PostgresStore {
    /// Deleted products are not found (by id, slug or key).
    public func product(id: UUID) async throws -> Product? {
        try await rows("SELECT \(unescaped: PostgresRows.productColumns) FROM products WHERE id = \(id) AND deleted_at IS NULL")
            .first.map(PostgresRows.product)
    }

    public func product(slug: String) async throws -> Product? {
        try await rows("SELECT \(unescaped: PostgresRows.productColumns) FROM products WHERE slug = \(slug) AND deleted_at IS NULL")
            .first.map(PostgresRows.product)
    }

    public func product(apiKeyHash: String) async throws -> Product? {
        try await rows("""
            SELECT \(unescaped: PostgresRows.productColumns) FROM products WHERE api_key_hash = \(apiKeyHash) AND deleted_at IS NULL
            """).first.map(PostgresRows.product)
    }

    /// Live products, oldest first.
    public func listProducts() async throws -> [Product] {
        try await rows("""
            SELECT \(unescaped: PostgresRows.productColumns) FROM products WHERE deleted_at IS NULL ORDER BY created_at, slug
            """).map(PostgresRows.product)
    }

    public func finalizeProductDeletions() async throws -> [UUID] {
        try await rows("""
            DELETE FROM products p WHERE deleted_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM engines e WHERE e.product_id = p.id) RETURNING id
            """).map { try $0.decode(UUID.self) }
    }
}
