import Yams

/// Turns Yams' errors into `FleetSpecError`s with the problem's own line and column, without
/// the multi-line snippet Yams appends (the CLI prints one line per error).
enum YAMLErrorMapping {
    static func fleetError(_ error: YamlError, file: String, text: String) -> FleetSpecError {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let while_ = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return FleetSpecError(at(mark), "invalid YAML: \(problem)\(while_)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return FleetSpecError(at(context.mark), field: duplicates.joined(separator: ", "), "duplicate key in a mapping")
        case let .reader(problem, offset, _, _):
            return FleetSpecError(location(ofByte: offset ?? 0, in: text, file: file), "cannot read the text: \(problem)")
        default:
            return FleetSpecError(SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)")
        }
    }

    /// Line and column (in Unicode scalars) of a UTF-8 byte offset.
    static func location(ofByte offset: Int, in text: String, file: String) -> SourceLocation {
        var line = 1, column = 1, consumed = 0
        for scalar in text.unicodeScalars {
            if consumed >= offset { break }
            consumed += String(scalar).utf8.count
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}
