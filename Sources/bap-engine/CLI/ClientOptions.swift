import ArgumentParser
import Foundation

/// Where the server is and which key to use, shared by every client verb. Flags win over the
/// environment: `BAP_SERVER`, `ORCH_ADMIN_KEY` / `BAP_ADMIN_KEY`, `BAP_PLATFORM_KEY`, `BAP_PRODUCT`.
struct ClientOptions: ParsableArguments {
    @Option(help: "Server address (env BAP_SERVER, default http://127.0.0.1:8000).")
    var server: String?

    @Option(name: .customLong("admin-key"), help: "Admin key (env ORCH_ADMIN_KEY or BAP_ADMIN_KEY).")
    var adminKey: String?

    @Option(name: .customLong("platform-key"), help: "A product's platform key (env BAP_PLATFORM_KEY), when no admin key is given.")
    var platformKey: String?

    @Option(help: "Product slug for engine verbs (env BAP_PRODUCT; optional when the server has one product).")
    var product: String?

    static func env(_ names: String...) -> String? {
        for name in names {
            if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty { return value }
        }
        return nil
    }

    var resolvedServer: String {
        var s = server ?? Self.env("BAP_SERVER") ?? "http://127.0.0.1:8000"
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }

    var resolvedAdminKey: String? { adminKey ?? Self.env("ORCH_ADMIN_KEY", "BAP_ADMIN_KEY") }
    var resolvedPlatformKey: String? { platformKey ?? Self.env("BAP_PLATFORM_KEY") }
    var resolvedProduct: String? { product ?? Self.env("BAP_PRODUCT") }
}
