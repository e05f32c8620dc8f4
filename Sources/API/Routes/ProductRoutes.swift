import DesiredState
import Foundation
import Hummingbird
import WireModel

/// Products: the original's admin endpoints (register, policy replace) and ours (read,
/// delete with its engines, platform-key rotation). Admin key for writes; a platform key may
/// read its own product.
struct ProductRoutes: Sendable {
    let env: APIEnvironment

    func add(to routes: RouteTable) {
        routes.add(.post, "/products/register", register)
        routes.add(.put, "/products/{product_id}/policy", replacePolicy)
        routes.add(.get, "/v1/products", listProducts)
        routes.add(.get, "/v1/products/{product}", getProduct)
        routes.add(.delete, "/v1/products/{product}", deleteProduct)
        routes.add(.post, "/v1/products/{product}/rotate-platform-key", rotatePlatformKey)
    }

    /// Creates a product with a fresh random platform key, returned once; only its SHA-256 is stored.
    @Sendable func register(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        try env.requireAdmin(request)
        let body = try await JSONWire.decode(RegisterRequest.self, from: request, limit: env.configuration.maxBodyBytes)
        let key = SecretHash.newPlatformKey()
        let product = try await env.store.createProduct(Product(
            id: UUID(), slug: body.slug, displayName: body.displayName, apiKeyHash: SecretHash.sha256Hex(key),
            policy: body.policy, createdAt: env.now
        ))
        await env.audit(AuditEntry(timestamp: env.now, productID: product.id, action: .policyRegister, actor: "admin", metadata: ["slug": product.slug]))
        return try JSONWire.response(RegisterResponse(product_id: product.id.uuidString.lowercased(), slug: product.slug, platform_api_key: key))
    }

    /// Replaces the policy whole (the original's semantics). `{product_id}` may also be a slug.
    @Sendable func replacePolicy(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        try env.requireAdmin(request)
        let reference = try Params.path(context, "product_id")
        let body = try await JSONWire.decode(PolicyRequest.self, from: request, limit: env.configuration.maxBodyBytes)
        guard let product = try await env.lookupProduct(reference) else { throw APIError.productNotFound }
        let updated = try await env.store.updatePolicy(productID: product.id, policy: body.policy)
        await env.audit(AuditEntry(timestamp: env.now, productID: product.id, action: .policyUpdate, actor: "admin", metadata: ["generation": String(updated.generation)]))
        return try JSONWire.response(["policy": updated.policy])
    }

    /// Every product for the admin; a platform key sees only its own.
    @Sendable func listProducts(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let caller = try await env.requireCaller(request)
        let products: [Product] = switch caller {
        case .admin: try await env.store.listProducts()
        case .product(let own): [own]
        }
        return try JSONWire.response(ProductList(products: products.map { ProductView($0, for: caller) }))
    }

    @Sendable func getProduct(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (caller, product) = try await env.requireProduct(request, reference: try Params.path(context, "product"))
        let counts = try await env.store.phaseCounts(productID: product.id)
        return try JSONWire.response(ProductView(product, engines: counts, for: caller))
    }

    /// Admin only. Marks every engine for deletion; the controller removes them and then the
    /// product row. Answers 202 with how many engines were marked.
    @Sendable func deleteProduct(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        try env.requireAdmin(request)
        guard let product = try await env.lookupProduct(try Params.path(context, "product")) else { throw APIError.productNotFound }
        let marked = try await env.store.deleteProduct(id: product.id, now: env.now)
        env.watches.productChanged(product.id, now: nil)
        await env.audit(AuditEntry(timestamp: env.now, productID: product.id, action: .productDelete, actor: "admin", metadata: ["slug": product.slug, "engines": String(marked)]))
        return try JSONWire.response(DeleteProductResponse(product_id: product.id.uuidString.lowercased(), status: "deleting", engines_marked: marked), status: .accepted)
    }

    /// Admin, or the product itself with its current key. The old key stops working at once.
    @Sendable func rotatePlatformKey(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (caller, product) = try await env.requireProduct(request, reference: try Params.path(context, "product"))
        let key = SecretHash.newPlatformKey()
        let updated = try await env.store.rotatePlatformKey(productID: product.id, newHash: SecretHash.sha256Hex(key))
        env.watches.productChanged(product.id, now: updated)
        await env.audit(AuditEntry(timestamp: env.now, productID: product.id, action: .rotatePlatformKey, actor: caller.actor))
        return try JSONWire.response(RegisterResponse(product_id: updated.id.uuidString.lowercased(), slug: updated.slug, platform_api_key: key))
    }
}

struct DeleteProductResponse: Encodable, Sendable {
    var product_id: String
    var status: String
    var engines_marked: Int
}
