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

    /// Parses the JSON form `{"documents": [ {...}, {...} ]}` (JSON is YAML, so positions are
    /// the JSON text's own lines and columns, and fields read `documents[2].policy.max_engines`).
    public static func parseJSON(_ text: String, file: String, limits: FleetLimits = .default) throws(FleetSpecError) -> FleetSpec {
        guard text.utf8.count <= limits.maxBytes else {
            throw FleetSpecError(SourceLocation(file: file, line: 1, column: 1), "body too large: \(text.utf8.count) bytes (limit \(limits.maxBytes))")
        }
        try AliasScan.check(text, file: file, maxAliases: limits.maxAliases)
        let context = YAMLReadContext(file: file, limits: limits)
        var objects: [FleetDocumentDecoder.Object] = []
        try withYAMLErrors(text, context: context) { parser throws in
            guard let root = try parser.singleRoot() else { throw FleetSpecError(context.location(nil), "expected {\"documents\": [...]}") }
            let items = try YAMLCursor(node: root, path: "", context: context).mapping(allowed: ["documents"]).required("documents").list()
            guard items.count <= limits.maxDocuments else { throw FleetSpecError(context.location(root), "too many documents (limit \(limits.maxDocuments))") }
            for item in items {
                context.startDocument()
                objects.append(try FleetDocumentDecoder.decode(item))
            }
        }
        return try FleetAssembler.assemble(objects, limits: limits, file: file)
    }

    /// Runs `body` with a parser of `text`, turning Yams' errors into `FleetSpecError`s. The
    /// parser outlives the walk: it owns the anchors that nodes refer to weakly, which is how
    /// alias expansions are counted.
    static func withYAMLErrors(_ text: String, context: YAMLReadContext, _ body: (Parser) throws -> Void) throws(FleetSpecError) {
        do {
            let parser = try Parser(yaml: text, resolver: .basic)
            try withExtendedLifetime(parser) { try body(parser) }
        } catch let error as FleetSpecError {
            throw error
        } catch let error as YamlError {
            throw YAMLErrorMapping.fleetError(error, file: context.file, text: text)
        } catch {
            throw FleetSpecError(context.location(nil), "cannot read YAML: \(error)")
        }
    }

    /// Composes and decodes every document in order.
    static func documents(_ text: String, context: YAMLReadContext) throws(FleetSpecError) -> [FleetDocumentDecoder.Object] {
        var objects: [FleetDocumentDecoder.Object] = []
        try withYAMLErrors(text, context: context) { parser throws in
            while let root = try parser.nextRoot() {
                if root.scalar.map({ $0.style == .plain && $0.string.isEmpty }) == true { continue }  // empty document
                guard objects.count < context.limits.maxDocuments else {
                    throw FleetSpecError(context.location(root), "too many documents (limit \(context.limits.maxDocuments))")
                }
                context.startDocument()
                objects.append(try FleetDocumentDecoder.decode(try YAMLCursor(node: root, path: "", context: context)))
            }
        }
        return objects
    }
}
