import DesiredState
import Foundation
import PostgresNIO
import StoreSupport

extension PostgresStore {
    /// Validates, then inserts. `.productSlugExists` when a live product has the slug.
    public func createProduct(_ product: Product) async throws -> Product {
        try StoreLogic.validate(product)
        try await transaction { tx in try await tx.insertProduct(product) }
        return product
    }

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

    public func updatePolicy(productID: UUID, policy: Policy) async throws -> Product {
        try await transaction { tx in
            var product = try await tx.requireLiveProduct(id: productID, lock: true)
            product.policy = policy
            product.generation += 1
            try StoreLogic.validate(product)
            try await tx.updateProduct(product)
            return product
        }
    }

    public func rotatePlatformKey(productID: UUID, newHash: String) async throws -> Product {
        try await transaction { tx in
            var product = try await tx.requireLiveProduct(id: productID, lock: true)
            product.apiKeyHash = newHash
            product.generation += 1
            try await tx.updateProduct(product)
            return product
        }
    }

    public func deleteProduct(id: UUID, now: Date) async throws -> Int {
        try await transaction { tx in try await StoreLogic.deleteProduct(tx, id: id, now: now) }
    }

    public func finalizeProductDeletions() async throws -> [UUID] {
        try await rows("""
            DELETE FROM products p WHERE deleted_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM engines e WHERE e.product_id = p.id) RETURNING id
            """).map { try $0.decode(UUID.self) }
    }
}
