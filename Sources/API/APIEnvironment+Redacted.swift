import DesiredState

/// Route handlers capture the environment; printed, it is a name and the redacted configuration.
extension APIEnvironment: Redacted {
    public var redactedDescription: String { "APIEnvironment(\(configuration.redactedDescription))" }
}
