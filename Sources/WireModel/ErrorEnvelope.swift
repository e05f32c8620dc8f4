/// `{"error":{"code","message"}}`: every error answer of the API. The server writes it with a
/// plain `JSONEncoder` (fields in declaration order); the CLI shows `message (code)`.
public struct ErrorEnvelope: Codable, Sendable {
    public struct Body: Codable, Sendable {
        public var code: String
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    public var error: Body

    public init(error: Body) { self.error = error }
}
