import Foundation

/// The server, key and product one CLI invocation uses, resolved once before any request.
/// First to last: flags; environment; the context (`--context`, `BAP_CONTEXT`, else the config
/// file's current context); and only with no context at all, the embedded server a
/// `scripts/serve` started in the current directory (`bap-data/admin.key`, `bap-data/server.url`;
/// `ORCH_DATA_DIR` names another data directory), so the README's first steps need no exported key.
struct ClientTarget: Sendable {
    enum Credential: Sendable {
        case admin(String)
        case platform(String)
        case none
    }

    var server: String
    var credential: Credential
    var product: String?
    /// Where the key came from, for error messages ("--admin-key-file", "context 'prod'", …).
    var keySource: String

    static let defaultServer = "http://127.0.0.1:8000"

    static func resolve(_ options: ClientOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ClientTarget {
        func env(_ names: String...) -> String? {
            for name in names { if let v = environment[name], !v.isEmpty { return v } }
            return nil
        }
        // Flags, then the environment.
        var credential: Credential = .none
        var source = ""
        if let key = options.adminKey {
            (credential, source) = (Credential.admin(key), "--admin-key")
        } else if let file = options.adminKeyFile {
            (credential, source) = (Credential.admin(try CLIConfig.readKeyFile(file)), "--admin-key-file \(file)")
        } else if let key = options.platformKey {
            (credential, source) = (Credential.platform(key), "--platform-key")
        } else if let file = options.platformKeyFile {
            (credential, source) = (Credential.platform(try CLIConfig.readKeyFile(file)), "--platform-key-file \(file)")
        } else if let key = env("ORCH_ADMIN_KEY", "BAP_ADMIN_KEY") {
            (credential, source) = (Credential.admin(key), "ORCH_ADMIN_KEY")
        } else if let key = env("BAP_PLATFORM_KEY") {
            (credential, source) = (Credential.platform(key), "BAP_PLATFORM_KEY")
        }
        var server = options.server ?? env("BAP_SERVER")
        var product = options.product ?? env("BAP_PRODUCT")

        // The context.
        let configPath = CLIConfig.path(environment: environment)
        let config = try CLIConfig.load(from: configPath)
        let chosen = options.context ?? env("BAP_CONTEXT")
        if let chosen, config.context(named: chosen) == nil {
            throw CLIError("no context named '\(chosen)' in \(configPath) (bap-engine config get-contexts lists them)")
        }
        if let name = chosen ?? config.currentContext {
            guard let context = config.context(named: name) else {
                throw CLIError("the current context '\(name)' is not in \(configPath); bap-engine config use-context NAME")
            }
            server = server ?? context.server
            product = product ?? context.product
            if case .none = credential, let found = try key(of: context) { (credential, source) = found }
        } else {
            // Nothing configured: the embedded server of this directory, if there is one.
            let dataDir = env("ORCH_DATA_DIR") ?? "bap-data"
            if case .none = credential, FileManager.default.isReadableFile(atPath: dataDir + "/admin.key") {
                (credential, source) = (Credential.admin(try CLIConfig.readKeyFile(dataDir + "/admin.key")), "\(dataDir)/admin.key")
            }
            if server == nil, let url = try? CLIConfig.readKeyFile(dataDir + "/server.url") { server = url }
        }
        var base = server ?? defaultServer
        while base.hasSuffix("/") { base.removeLast() }
        return ClientTarget(server: base, credential: credential, product: product, keySource: source)
    }

    /// A context's key (inline or read from its file) and where it came from; nil without one.
    static func key(of context: CLIConfig.Context) throws -> (Credential, String)? {
        let name = context.name
        if let key = context.adminKey { return (.admin(key), "context '\(name)'") }
        if let file = context.adminKeyFile { return (.admin(try CLIConfig.readKeyFile(file)), "context '\(name)' (\(file))") }
        if let key = context.platformKey { return (.platform(key), "context '\(name)'") }
        if let file = context.platformKeyFile { return (.platform(try CLIConfig.readKeyFile(file)), "context '\(name)' (\(file))") }
        return nil
    }

    var isAdmin: Bool {
        if case .admin = credential { return true }
        return false
    }
}
