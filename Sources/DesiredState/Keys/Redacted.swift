/// A value that holds key material or secret configuration: every way Swift can print it —
/// `"\(value)"`, `String(reflecting:)`, `dump` and a parent struct's default description, which
/// reflects its children — shows `redactedDescription` and nothing else.
///
/// swift-service-lifecycle logs each service's description at debug level, and a struct's
/// default description prints every stored property (the master key's bytes as an array
/// literal among them): conforming types make that impossible rather than merely unlikely.
public protocol Redacted: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// What may be printed: names, counts and non-secret settings, never a secret value.
    var redactedDescription: String { get }
}

extension Redacted {
    public var description: String { redactedDescription }
    public var debugDescription: String { redactedDescription }
    /// No children: `dump` and debuggers see the redacted text only.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redactedDescription], displayStyle: .struct) }
}
