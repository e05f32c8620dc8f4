import DesiredState

/// swift-service-lifecycle logs each service by its description: a plain name, never the
/// reflected fields (the builder holds the pass-through environment and the key deriver).
extension Controller: Redacted {
    public var redactedDescription: String { "Controller" }
}
