import ArgumentParser
import Foundation

/// Where the server is and which key to use, shared by every client verb. What wins, first to
/// last (`ClientTarget.resolve`): flags; the environment (`BAP_SERVER`, `ORCH_ADMIN_KEY` /
/// `BAP_ADMIN_KEY`, `BAP_PLATFORM_KEY`, `BAP_PRODUCT`); the context (`--context`, `BAP_CONTEXT`
/// or the config file's current context, see `bap-engine config`); and, with no context at
/// all, a server started by `scripts/serve` in the current directory (`./bap-data`).
struct ClientOptions: ParsableArguments {
    @Option(help: "Server address (env BAP_SERVER; else the context's; default http://127.0.0.1:8000).")
    var server: String?

    @Option(name: .customLong("admin-key"), help: "Admin key (env ORCH_ADMIN_KEY or BAP_ADMIN_KEY). Prefer --admin-key-file: a flag shows in `ps`.")
    var adminKey: String?

    @Option(name: .customLong("admin-key-file"), help: "File holding the admin key (e.g. bap-data/admin.key).", completion: .file())
    var adminKeyFile: String?

    @Option(name: .customLong("platform-key"), help: "A product's platform key (env BAP_PLATFORM_KEY), when no admin key is given.")
    var platformKey: String?

    @Option(name: .customLong("platform-key-file"), help: "File holding a product's platform key.", completion: .file())
    var platformKeyFile: String?

    @Option(help: "Product slug for engine verbs (env BAP_PRODUCT; optional when the server has one product).")
    var product: String?

    @Option(help: "Use this context of the config file instead of the current one (env BAP_CONTEXT).")
    var context: String?

    static func env(_ names: String...) -> String? {
        for name in names {
            if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty { return value }
        }
        return nil
    }
}
