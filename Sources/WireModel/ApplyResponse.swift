/// `POST /v1/apply` answer: one result per document (`created`, `configured`, `unchanged`,
/// `pruned`), the platform keys of products it created (shown once), and whether it was a dry run.
public struct ApplyResponse: Codable, Sendable {
    public struct Result: Codable, Sendable {
        /// `Product` or `Engine`.
        public var kind: String
        /// A slug, or `product/user` for an engine.
        public var name: String
        public var result: String

        public init(kind: String, name: String, result: String) {
            self.kind = kind
            self.name = name
            self.result = result
        }
    }

    public var results: [Result]
    public var platform_keys: [String: String]
    public var dry_run: Bool

    public init(results: [Result], platform_keys: [String: String], dry_run: Bool) {
        self.results = results
        self.platform_keys = platform_keys
        self.dry_run = dry_run
    }
}
