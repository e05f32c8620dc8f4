import Foundation
import WireModel

extension APIClient {
    /// The product engine verbs act on: `--product` / `BAP_PRODUCT` / the context's, or the only product the
    /// server has. Several products and none named: an error listing them.
    func product() async throws -> String {
        if let slug = target.product { return slug }
        let products = try await get(ProductList.self, "/v1/products").products
        switch products.count {
        case 1: return products[0].slug
        case 0: throw CLIError("the server has no products yet; apply a fleet file with a `kind: Product` first")
        default: throw CLIError("several products (\(products.map(\.slug).joined(separator: ", "))): pass --product or set BAP_PRODUCT")
        }
    }

    /// Every engine of a product, page by page.
    func engines(of product: String) async throws -> [EngineResource] {
        var all: [EngineResource] = []
        while true {
            let page = try await get(EngineResourceList.self, "/v1/products/\(product.urlComponent)/engines?limit=1000&offset=\(all.count)")
            all += page.engines
            if page.engines.isEmpty || all.count >= page.total { return all }
        }
    }

    func enginePath(_ product: String, _ user: String) -> String {
        "/v1/products/\(product.urlComponent)/engines/\(user.urlComponent)"
    }
}
