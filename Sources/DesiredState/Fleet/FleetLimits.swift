/// Bounds that keep a hostile or broken fleet file from costing more than a large honest one.
/// The defaults allow a 100k-engine fleet written one `kind: Engine` document per user.
public struct FleetLimits: Sendable, Equatable {
    /// Size of the whole text in bytes (checked before parsing).
    public var maxBytes: Int
    /// Number of YAML documents in one file.
    public var maxDocuments: Int
    /// Alias uses (`*name`) in one file. Fleet files rarely need any; a "billion laughs" needs many.
    public var maxAliases: Int
    /// Nodes read from one document, counting every alias expansion again. Bounds the work a
    /// small text can cause by aliasing large subtrees repeatedly.
    public var maxNodesPerDocument: Int
    /// Engines after expanding every `EngineSet`.
    public var maxEngines: Int

    public init(
        maxBytes: Int = 32 << 20, maxDocuments: Int = 200_000, maxAliases: Int = 1_000,
        maxNodesPerDocument: Int = 1_000_000, maxEngines: Int = 200_000
    ) {
        self.maxBytes = maxBytes
        self.maxDocuments = maxDocuments
        self.maxAliases = maxAliases
        self.maxNodesPerDocument = maxNodesPerDocument
        self.maxEngines = maxEngines
    }

    public static let `default` = FleetLimits()
}
