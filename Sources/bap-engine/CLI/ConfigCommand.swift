import ArgumentParser
import Foundation

/// `bap-engine config …`: contexts like kubectl's kubeconfig. A context names a server, a key
/// (a key file reference, or the key inline) and optionally a product; the current context is
/// what every client verb uses unless flags or the environment say otherwise.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Manage contexts (server, key, product) in the CLI's config file.",
        discussion: """
            The file is $BAP_CONFIG, else $XDG_CONFIG_HOME/bap-engine/config, else \
            ~/.config/bap-engine/config; mode 0600 in a 0700 directory.

            Examples:
              bap-engine config set-context local --server http://127.0.0.1:8000 --admin-key-file bap-data/admin.key
              bap-engine config set-context demo --server https://bap.example.com --platform-key-file ~/demo.key --product demo
              bap-engine config use-context demo
              bap-engine config get-contexts
            """,
        subcommands: [SetContext.self, UseContext.self, GetContexts.self, CurrentContext.self, DeleteContext.self]
    )

    /// Options every config verb shares.
    struct FileOption: ParsableArguments {
        @Option(name: .customLong("config"), help: "The config file (default: $BAP_CONFIG, $XDG_CONFIG_HOME/bap-engine/config, ~/.config/bap-engine/config).", completion: .file())
        var path: String?

        var resolved: String { path.map(CLIConfig.absolute) ?? CLIConfig.path() }
    }

    /// Runs a config verb, printing a failure as one line.
    static func run(_ body: () throws -> Void) throws {
        do { try body() } catch let error as CLIError {
            CLI.printError(error.message)
            throw ExitCode(error.exitCode)
        }
    }

    struct SetContext: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-context",
            abstract: "Create a context, or change the fields given of an existing one.",
            discussion: "The first context created becomes the current one. A key flag replaces the context's key."
        )

        @Argument(help: "Context name.") var name: String
        @Option(help: "Server address, e.g. http://127.0.0.1:8000.") var server: String?
        @Option(name: .customLong("admin-key-file"), help: "Use the admin key in this file (stored as a reference).", completion: .file()) var adminKeyFile: String?
        @Option(name: .customLong("platform-key-file"), help: "Use the platform key in this file (stored as a reference).", completion: .file()) var platformKeyFile: String?
        @Option(name: .customLong("admin-key"), help: "Store this admin key inline (the file is 0600).") var adminKey: String?
        @Option(name: .customLong("platform-key"), help: "Store this platform key inline (the file is 0600).") var platformKey: String?
        @Option(help: "Default product slug for engine verbs.") var product: String?
        @Flag(name: .customLong("use"), help: "Also make it the current context.") var use = false
        @OptionGroup var file: FileOption

        func validate() throws {
            guard !name.isEmpty, name.count <= 128, !name.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                throw ValidationError("a context name is 1-128 characters without spaces")
            }
            let keys = [adminKeyFile, platformKeyFile, adminKey, platformKey].compactMap { $0 }
            guard keys.count <= 1 else { throw ValidationError("give one key: --admin-key-file, --platform-key-file, --admin-key or --platform-key") }
            if let server {
                guard let url = URL(string: server), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                    throw ValidationError("--server must be an http:// or https:// URL, got '\(server)'")
                }
            }
        }

        func run() throws {
            try ConfigCommand.run {
                let path = file.resolved
                var config = try CLIConfig.load(from: path)
                var context = config.context(named: name) ?? CLIConfig.Context(name: name)
                if let server { context.server = server }
                if let product { context.product = product }
                if adminKeyFile != nil || platformKeyFile != nil || adminKey != nil || platformKey != nil {
                    // A key file must be readable now; a typo found later is worse.
                    if let file = adminKeyFile ?? platformKeyFile { _ = try CLIConfig.readKeyFile(file) }
                    context.adminKeyFile = adminKeyFile.map(CLIConfig.absolute)
                    context.platformKeyFile = platformKeyFile.map(CLIConfig.absolute)
                    context.adminKey = adminKey
                    context.platformKey = platformKey
                }
                let created = config.context(named: name) == nil
                if let index = config.contexts.firstIndex(where: { $0.name == name }) {
                    config.contexts[index] = context
                } else {
                    config.contexts.append(context)
                }
                let current = use || config.currentContext == nil
                if current { config.currentContext = name }
                try config.save(to: path)
                print("context \"\(name)\" \(created ? "created" : "modified")\(current ? " (current)" : "") in \(path)")
            }
        }
    }

    struct UseContext: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "use-context", abstract: "Make a context the current one.")
        @Argument(help: "Context name.") var name: String
        @OptionGroup var file: FileOption

        func run() throws {
            try ConfigCommand.run {
                let path = file.resolved
                var config = try CLIConfig.load(from: path)
                guard config.context(named: name) != nil else {
                    throw CLIError("no context named '\(name)' in \(path) (known: \(config.contexts.map(\.name).joined(separator: ", ")))")
                }
                config.currentContext = name
                try config.save(to: path)
                print("switched to context \"\(name)\"")
            }
        }
    }

    struct GetContexts: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get-contexts", abstract: "List the contexts (never their keys).")
        @OptionGroup var file: FileOption

        func run() throws {
            try ConfigCommand.run {
                let config = try CLIConfig.load(from: file.resolved)
                // AUTH last: a key file's path is the long cell, and only the last column is cut.
                var table = TextTable("CURRENT", "NAME", "SERVER", "PRODUCT", "AUTH")
                for c in config.contexts {
                    table.rows.append([c.name == config.currentContext ? "*" : "", c.name, c.server ?? "-", c.product ?? "-", c.authDescription])
                }
                print(table.render())
            }
        }
    }

    struct CurrentContext: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "current-context", abstract: "Print the current context's name.")
        @OptionGroup var file: FileOption

        func run() throws {
            try ConfigCommand.run {
                let path = file.resolved
                guard let name = try CLIConfig.load(from: path).currentContext else {
                    throw CLIError("no current context in \(path) (bap-engine config use-context NAME)")
                }
                print(name)
            }
        }
    }

    struct DeleteContext: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete-context", abstract: "Remove a context (its key files are left alone).")
        @Argument(help: "Context name.") var name: String
        @OptionGroup var file: FileOption

        func run() throws {
            try ConfigCommand.run {
                let path = file.resolved
                var config = try CLIConfig.load(from: path)
                guard config.context(named: name) != nil else { throw CLIError("no context named '\(name)' in \(path)") }
                config.contexts.removeAll { $0.name == name }
                if config.currentContext == name { config.currentContext = nil }
                try config.save(to: path)
                print("deleted context \"\(name)\"")
            }
        }
    }
}
