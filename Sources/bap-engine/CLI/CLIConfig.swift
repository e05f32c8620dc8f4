import Foundation
import Yams

/// The CLI's contexts, kubeconfig-style: named (server, key, product) triples and the current
/// one, in `$BAP_CONFIG`, else `$XDG_CONFIG_HOME/bap-engine/config`, else
/// `~/.config/bap-engine/config`. YAML. The file is written mode 0600 in a 0700 directory
/// (it may hold keys inline); a key can instead be a reference to a key file.
struct CLIConfig: Codable, Equatable {
    struct Context: Codable, Equatable {
        var name: String
        var server: String?
        var adminKey: String?
        var adminKeyFile: String?
        var platformKey: String?
        var platformKeyFile: String?
        var product: String?

        enum CodingKeys: String, CodingKey {
            case name, server, product
            case adminKey = "admin-key"
            case adminKeyFile = "admin-key-file"
            case platformKey = "platform-key"
            case platformKeyFile = "platform-key-file"
        }

        /// How the context authenticates, for `get-contexts` (never the key itself).
        var authDescription: String {
            if let adminKeyFile { return "admin-key-file \(adminKeyFile)" }
            if adminKey != nil { return "admin-key (inline)" }
            if let platformKeyFile { return "platform-key-file \(platformKeyFile)" }
            if platformKey != nil { return "platform-key (inline)" }
            return "-"
        }
    }

    var currentContext: String?
    var contexts: [Context] = []

    enum CodingKeys: String, CodingKey {
        case currentContext = "current-context"
        case contexts
    }

    init(currentContext: String? = nil, contexts: [Context] = []) {
        self.currentContext = currentContext
        self.contexts = contexts
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        currentContext = try c.decodeIfPresent(String.self, forKey: .currentContext)
        contexts = try c.decodeIfPresent([Context].self, forKey: .contexts) ?? []
    }

    func context(named name: String) -> Context? { contexts.first { $0.name == name } }

    // MARK: The file

    /// The config file's path for this environment.
    static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["BAP_CONFIG"], !explicit.isEmpty { return explicit }
        let base: String
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            base = home + "/.config"
        }
        return base + "/bap-engine/config"
    }

    /// The file's contents; an absent file is an empty config.
    static func load(from path: String) throws -> CLIConfig {
        guard FileManager.default.fileExists(atPath: path) else { return CLIConfig() }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        let text = String(decoding: data, as: UTF8.self)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return CLIConfig() }
        do { return try YAMLDecoder().decode(CLIConfig.self, from: text) } catch {
            throw CLIError("\(path) is not a valid bap-engine config (\(String(describing: error).split(separator: "\n").first ?? "")); fix or remove it")
        }
    }

    /// Writes the file atomically: a 0600 temporary file in the same 0700 directory, renamed.
    func save(to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError("cannot create \(directory): \(error.localizedDescription)")
        }
        // Our own directory (…/bap-engine) is kept private even if it existed.
        if (directory as NSString).lastPathComponent == "bap-engine" { chmod(directory, 0o700) }
        let text: String
        do { text = try YAMLEncoder().encode(self) } catch { throw CLIError("cannot encode the config: \(error)") }
        let temporary = directory + "/.config.\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw CLIError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Reads a key file: its first non-empty line, trimmed.
    static func readKeyFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read the key file \(path)")
        }
        let key = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        guard let key else { throw CLIError("the key file \(path) is empty") }
        return key
    }

    /// An absolute path for `path` as given on the command line (relative to the working directory).
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
    }
}
