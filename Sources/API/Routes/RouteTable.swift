import Foundation
import Hummingbird

/// The request context every API route uses.
public typealias APIRequestContext = BasicRequestContext

/// A route handler.
public typealias APIHandler = @Sendable (Request, APIRequestContext) async throws -> Response

/// Used only while building (not shared across tasks). Registers routes on the router and remembers each (method, path pattern), so the OpenAPI
/// test can prove that every route is documented and every documented route exists. Every
/// route file — including the apply routes — registers through it.
public final class RouteTable {
    /// One registered route; `path` uses OpenAPI's `{name}` syntax, which the router also accepts.
    public struct Entry: Sendable, Hashable {
        public var method: HTTPRequest.Method
        public var path: String
    }

    let router: Router<APIRequestContext>
    private var entries: [Entry] = []

    init(router: Router<APIRequestContext>) {
        self.router = router
    }

    /// Adds `handler` for `method` on `path` (e.g. `/v1/products/{product}`).
    public func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping APIHandler) {
        entries.append(Entry(method: method, path: path))
        router.on(RouterPath(path), method: method) { request, context in try await handler(request, context) }
    }

    /// Every route added so far, in registration order.
    public var all: [Entry] { entries }
}
