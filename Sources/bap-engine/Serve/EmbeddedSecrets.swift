import DesiredState
import Foundation

/// Keys for the embedded default, kept in the data directory (files mode 0600) so engine keys
/// stay the same across restarts. A generated admin key is printed once, when it is created.
/// With `ORCH_ADMIN_KEY` / `ORCH_MASTER_KEY` set, nothing is written.
enum EmbeddedSecrets {
    struct Resolved {
        var adminKey: String
        var masterKey: String
        /// The admin key was generated just now and must be shown to the operator once.
        var newAdminKey: Bool
    }

    static func resolve(_ c: ServeConfiguration) throws -> Resolved {
        var admin = c.adminKey
        var master = c.masterKey
        var fresh = false
        if admin == nil || master == nil {
            guard c.databaseURL == nil else {
                throw ConfigurationError("ORCH_ADMIN_KEY and ORCH_MASTER_KEY are required with ORCH_DATABASE_URL (several replicas must share them)")
            }
            try FileManager.default.createDirectory(atPath: c.dataDirectory, withIntermediateDirectories: true)
            if admin == nil {
                let (key, created) = try readOrCreate(c.dataDirectory + "/admin.key") { "ak-sept-" + SecretHash.newPlatformKey().dropFirst("pk-sept-".count) }
                admin = key
                fresh = created
            }
            if master == nil {
                master = try readOrCreate(c.dataDirectory + "/master.key") { MasterKeyring.generateKeyText() }.0
            }
        }
        guard let admin, let master else { throw ConfigurationError("could not resolve the admin and master keys") }
        return Resolved(adminKey: admin, masterKey: master, newAdminKey: fresh)
    }

    /// `<data dir>/server.url`: where this embedded server answers, written at every start so the
    /// CLI run in the same directory finds it (with `admin.key`) when nothing else is configured.
    static func writeEndpoint(_ c: ServeConfiguration) {
        let host = ["0.0.0.0", "::", ""].contains(c.host) ? "127.0.0.1" : (c.host.contains(":") ? "[\(c.host)]" : c.host)
        let path = c.dataDirectory + "/server.url"
        try? FileManager.default.removeItem(atPath: path)
        _ = FileManager.default.createFile(atPath: path, contents: Data("http://\(host):\(c.port)\n".utf8), attributes: [.posixPermissions: 0o600])
    }

    /// Reads the key file, or creates it with mode 0600 holding a new key.
    static func readOrCreate(_ path: String, make: () -> String) throws -> (String, Bool) {
        if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
            let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !key.isEmpty { return (key, false) }
        }
        let key = make()
        guard FileManager.default.createFile(atPath: path, contents: Data((key + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("cannot write \(path)")
        }
        return (key, true)
    }
}
