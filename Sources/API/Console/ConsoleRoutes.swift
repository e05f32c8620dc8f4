import Foundation
import HTTPTypes
import Hummingbird

/// The web console at `/ui`: one HTML page, one script, one style sheet and an icon, all
/// compiled into the binary (Swift string literals in `Console/`, no resource bundle, no CDN,
/// no build step). The page talks only to the public API with the key the person signs in with
/// (kept in the tab's `sessionStorage`, sent as `X-Admin-Key` / `X-Platform-Key`, never in a
/// URL); serving it needs no key and no store.
///
/// Not API operations, so registered on the router directly rather than through the
/// `RouteTable` (which is the OpenAPI document's list and what the fuzzer calls).
struct ConsoleRoutes: Sendable {
    /// No inline script or style anywhere: everything comes from `/ui/…` on this origin.
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'",
        "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    /// Every console path and what it serves.
    static let assets: [(path: String, contentType: String, body: String)] = [
        ("/ui", "text/html; charset=utf-8", ConsolePage.html),
        ("/ui/app.js", "text/javascript; charset=utf-8", ConsoleScript.source),
        ("/ui/app.css", "text/css; charset=utf-8", ConsoleStyle.source),
        ("/ui/icon.svg", "image/svg+xml", ConsolePage.icon),
    ]

    func add(to router: Router<APIRequestContext>) {
        for asset in Self.assets {
            let response = Self.response(contentType: asset.contentType, body: asset.body)
            router.get(RouterPath(asset.path)) { _, _ in response }
        }
    }

    /// The asset with the console's security headers.
    static func response(contentType: String, body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[HTTPField.Name("Content-Security-Policy")!] = contentSecurityPolicy
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"  // Valid tokens: letters and '-'.
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
