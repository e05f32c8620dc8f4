/// Placeholder until the document is written.
enum OpenAPIDocument {
    static let document: [String: String] = ["openapi": "3.0.3"]
}
