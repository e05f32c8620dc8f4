import Yams

/// Shared state while reading one fleet file: the file name for error locations and the
/// budgets that bound alias expansion. A reference type because every cursor of a document
/// draws from the same budget; it never leaves the parsing call, so it need not be `Sendable`.
final class YAMLReadContext {
    let file: String
    let limits: FleetLimits
    private var nodesRead = 0
    private var aliasUses = 0
    /// Anchors met so far, by identity. Yams hands back the anchored node itself for an alias,
    /// so meeting the same anchor object twice means an alias was followed.
    private var anchorsSeen = Set<ObjectIdentifier>()

    init(file: String, limits: FleetLimits) {
        self.file = file
        self.limits = limits
    }

    func location(_ node: Node) -> SourceLocation {
        location(node.mark)
    }

    func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// Starts the node budget of a new document (aliases are counted for the whole file).
    func startDocument() {
        nodesRead = 0
    }

    /// Charges one node read to the budgets; throws once a budget is spent.
    func charge(_ node: Node, path: String) throws(FleetSpecError) {
        nodesRead += 1
        if nodesRead > limits.maxNodesPerDocument {
            throw FleetSpecError(location(node), field: path, "document too large: more than \(limits.maxNodesPerDocument) nodes (counting alias expansions)")
        }
        guard let anchor = node.anchor else { return }
        if !anchorsSeen.insert(ObjectIdentifier(anchor)).inserted {
            aliasUses += 1
            if aliasUses > limits.maxAliases {
                throw FleetSpecError(location(node), field: path, "too many alias expansions (more than \(limits.maxAliases))")
            }
        }
    }
}
