import DesiredState

/// The admin key and the key deriver are never printed; the rest of the configuration is.
extension APIConfiguration: Redacted {
    public var redactedDescription: String {
        "APIConfiguration(adminKey: \(adminKey == nil ? "none" : "<redacted>"), keys: \(keys.redactedDescription), "
            + "bootTimeout: \(bootTimeout), defaultImage: \(defaultImage), maxBodyBytes: \(maxBodyBytes))"
    }
}
