import DesiredState

/// Holds no secret today; redacted anyway so a secret added later cannot reach a log through
/// a default (reflecting) description.
extension ControllerConfiguration: Redacted {
    public var redactedDescription: String {
        "ControllerConfiguration(workers: \(workers), holder: \(holderID), resync: \(resyncInterval), health: \(healthInterval))"
    }
}
