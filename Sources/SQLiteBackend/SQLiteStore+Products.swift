import DesiredState
import Foundation
import SQLiteNIO
import StoreSupport

extension SQLiteStore {
    public func createProduct(_ product: Product) async throws -> Product {
        try StoreLogic.validate(product)
        try await transaction { tx in try await tx.insertProduct(product) }
        return product
    }

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
            DELETE FROM products WHERE deleted_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM engines e WHERE e.product_id = products.id) RETURNING id
            """).map { try $0.uuid("id") }
    }
}
