import Foundation
import Hummingbird

/// `GET /openapi.json`: the published contract (see `OpenAPIDocument`). No auth.
struct OpenAPIRoutes: Sendable {
    let env: APIEnvironment

    func add(to routes: RouteTable) {
        routes.add(.get, "/openapi.json") { _, _ in
            try JSONWire.response(OpenAPIDocument.document)
        }
    }
}
