import Foundation
import Yams

/// Reads a fleet file: YAML, several documents, each a `kind: Product`, `kind: Engine` or
/// `kind: EngineSet`. All documents are checked before anything is returned; the first problem
/// is thrown as a `FleetSpecError` naming file, line, column and field.
///
/// Hostile input is bounded before and while parsing: the text size, the number of alias
/// tokens (scanned before libYAML runs, see `AliasScan`), the nodes read per document counting
/// every alias expansion, and the engines after expanding sets.
public enum FleetParser {
    /// Parses and validates `text`; `file` names it in errors (`-` for standard input).
    public static func parse(_ text: String, file: String, limits: FleetLimits = .default) throws(FleetSpecError) -> FleetSpec {
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard text.utf8.count <= limits.maxBytes else {
            throw FleetSpecError(start, "file too large: \(text.utf8.count) bytes (limit \(limits.maxBytes))")
        }
        try AliasScan.check(text, file: file, maxAliases: limits.maxAliases)
        let objects = try documents(text, context: YAMLReadContext(file: file, limits: limits))
        return try FleetAssembler.assemble(objects, limits: limits, file: file)
    }

    /// Composes and decodes every document in order.
    static func documents(_ text: String, context: YAMLReadContext) throws(FleetSpecError) -> [FleetDocumentDecoder.Object] {
        var objects: [FleetDocumentDecoder.Object] = []
        do {
            let parser = try Parser(yaml: text)
            // The parser must outlive the walk: it owns the anchors that nodes refer to weakly,
            // which is how alias expansions are counted.
            try withExtendedLifetime(parser) {
                while let root = try parser.nextRoot() {
                    if root.null != nil, root.scalar?.style == .plain { continue }  // empty document
                    guard objects.count < context.limits.maxDocuments else {
                        throw FleetSpecError(context.location(root), "too many documents (limit \(context.limits.maxDocuments))")
                    }
                    context.startDocument()
                    let cursor = try YAMLCursor(node: root, path: "", context: context)
                    objects.append(try FleetDocumentDecoder.decode(cursor))
                }
            }
        } catch let error as FleetSpecError {
            throw error
        } catch let error as YamlError {
            throw YAMLErrorMapping.fleetError(error, file: context.file, text: text)
        } catch {
            throw FleetSpecError(SourceLocation(file: context.file, line: 1, column: 1), "cannot read YAML: \(error)")
        }
        return objects
    }
}
