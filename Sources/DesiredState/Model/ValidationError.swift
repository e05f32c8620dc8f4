/// A value a user supplied is not acceptable. `field` is a dotted path (`policy.max_engines`);
/// `message` is a sentence safe to show to the caller (it never echoes a secret).
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { field.isEmpty ? message : "\(field): \(message)" }

    /// Prefixes the field path, so nested validators can report `policy.template.image`.
    public func nested(under parent: String) -> ValidationError {
        ValidationError(field: field.isEmpty ? parent : "\(parent).\(field)", message: message)
    }
}
