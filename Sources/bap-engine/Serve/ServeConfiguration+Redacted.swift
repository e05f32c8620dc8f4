import DesiredState

/// `ORCH_ADMIN_KEY`, `ORCH_MASTER_KEY` and the database URL (which may carry a password) are
/// never printed; the pass-through list shows names (its values are read elsewhere).
extension ServeConfiguration: Redacted {
    var redactedDescription: String {
        "ServeConfiguration(host: \(host), port: \(port), store: \(databaseURL == nil ? "sqlite \(dataDirectory)" : "postgres <url redacted>"), "
            + "backend: \(backend.rawValue), adminKey: \(adminKey == nil ? "none" : "<redacted>"), masterKey: \(masterKey == nil ? "none" : "<redacted>"), "
            + "passthrough: \(passthroughNames), logLevel: \(logLevel))"
    }
}

extension EmbeddedSecrets.Resolved: Redacted {
    var redactedDescription: String { "EmbeddedSecrets(adminKey: <redacted>, masterKey: <redacted>, newAdminKey: \(newAdminKey))" }
}
