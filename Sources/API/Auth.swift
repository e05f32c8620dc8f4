import DesiredState
import Foundation
import HTTPTypes
import Hummingbird

/// Who is calling: the operator (admin key) or one product (its platform key).
public enum Caller: Sendable, Equatable {
    case admin
    case product(Product)

    /// The audit `actor`: the product slug or `admin`.
    public var actor: String {
        switch self {
        case .admin: "admin"
        case .product(let product): product.slug
        }
    }
}

extension APIEnvironment {
    static let platformKeyHeader = HTTPField.Name("X-Platform-Key")!  // A valid token: letters and '-' only.
    static let adminKeyHeader = HTTPField.Name("X-Admin-Key")!  // A valid token: letters and '-' only.

    /// Passes only with the configured admin key (constant-time compare). 401 `INVALID_ADMIN_KEY`.
    public func requireAdmin(_ request: Request) throws {
        guard isAdmin(request) else { throw APIError.invalidAdminKey }
    }

    /// The product whose platform key the request carries. 401 `INVALID_PLATFORM_KEY` when the
    /// header is missing or unknown. The store is searched by the key's SHA-256; the stored hash
    /// is then compared in constant time.
    public func requireProduct(_ request: Request) async throws -> Product {
        guard let key = request.headers[Self.platformKeyHeader], !key.isEmpty, key.utf8.count <= 512 else {
            throw APIError.invalidPlatformKey
        }
        let hash = SecretHash.sha256Hex(key)
        guard let product = try await store.product(apiKeyHash: hash),
              SecretHash.constantTimeEquals(product.apiKeyHash, hash)
        else { throw APIError.invalidPlatformKey }
        return product
    }

    /// The admin (with a correct `X-Admin-Key`) or the product of `X-Platform-Key`. With neither
    /// header: 401 `INVALID_PLATFORM_KEY`; a wrong admin key: 401 `INVALID_ADMIN_KEY`.
    public func requireCaller(_ request: Request) async throws -> Caller {
        if request.headers[Self.adminKeyHeader] != nil {
            try requireAdmin(request)
            return .admin
        }
        return .product(try await requireProduct(request))
    }

    /// The product `{product}` (an id or a slug) as seen by the caller. A product key sees only
    /// its own product: any other answers 404 `PRODUCT_NOT_FOUND`, exactly like a missing one,
    /// so a key cannot probe which products exist.
    public func requireProduct(_ request: Request, reference: String) async throws -> (Caller, Product) {
        let caller = try await requireCaller(request)
        switch caller {
        case .product(let own):
            guard own.id.uuidString.lowercased() == reference.lowercased() || own.slug == reference else {
                throw APIError.productNotFound
            }
            return (caller, own)
        case .admin:
            guard let product = try await lookupProduct(reference) else { throw APIError.productNotFound }
            return (caller, product)
        }
    }

    /// A product by id or slug.
    func lookupProduct(_ reference: String) async throws -> Product? {
        if let id = UUID(uuidString: reference) { return try await store.product(id: id) }
        guard (try? Identifiers.validateSlug(reference)) != nil else { return nil }
        return try await store.product(slug: reference)
    }

    func isAdmin(_ request: Request) -> Bool {
        guard let configured = configuration.adminKey, !configured.isEmpty,
              let given = request.headers[Self.adminKeyHeader]
        else { return false }
        return SecretHash.constantTimeEquals(given, configured)
    }
}
