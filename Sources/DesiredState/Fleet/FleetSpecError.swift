/// A fleet file could not be read or is not valid. Always names the place (`file:line:column`)
/// and, when there is one, the field (`policy.template.memory_mb`), so an operator can jump
/// straight to it. Messages never echo a secret (fleet files hold none).
public struct FleetSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    /// Dotted path of the field inside its document; empty for syntax errors.
    public var field: String
    public var message: String

    public init(_ location: SourceLocation, field: String = "", _ message: String) {
        self.location = location
        self.field = field
        self.message = message
    }

    /// `fleet.yaml:12:7: policy.max_engines: must be between 0 and 10000000, got -1`
    public var description: String {
        field.isEmpty ? "\(location): \(message)" : "\(location): \(field): \(message)"
    }
}
