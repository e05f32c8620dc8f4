/// Where something was written in a fleet file: `fleet.yaml:12:7`. Lines and columns start at 1;
/// columns count Unicode scalars (as libYAML does).
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}
