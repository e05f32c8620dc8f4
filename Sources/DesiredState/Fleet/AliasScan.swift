/// A cheap look at the raw text before libYAML composes it. Yams hashes mapping keys while
/// composing, so a key that aliases a deeply nested collection would cost exponential time
/// before any budget of ours could stop it. This scan refuses, with a line and column:
/// - more alias tokens (`*name`) than the limit,
/// - an alias used as a mapping key (`*a: x`, or inside a flow key on one line: `[*a]: x`),
/// - explicit complex keys (`? key`).
///
/// It is deliberately conservative (it does not parse YAML): an unquoted `*word` inside a plain
/// scalar also counts as an alias token. Fleet files have no reason to contain either.
enum AliasScan {
    static func check(_ text: String, file: String, maxAliases: Int) throws(FleetSpecError) {
        var aliases = 0
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let scalars = Array(line.unicodeScalars)
            var i = 0
            var quote: Unicode.Scalar?
            while i < scalars.count {
                let c = scalars[i]
                let atTokenStart = i == 0 || [" ", "\t", "[", "{", ",", "-"].contains(scalars[i - 1])
                if let q = quote {
                    if c == q { quote = nil }
                } else if atTokenStart, c == "\"" || c == "'" {
                    quote = c
                } else if c == "#", i == 0 || scalars[i - 1] == " " || scalars[i - 1] == "\t" {
                    break  // comment
                } else if atTokenStart, c == "*", i + 1 < scalars.count, isAnchorChar(scalars[i + 1]) {
                    aliases += 1
                    let at = SourceLocation(file: file, line: lineNumber, column: i + 1)
                    if aliases > maxAliases { throw FleetSpecError(at, "too many aliases (more than \(maxAliases))") }
                    var j = i + 1
                    while j < scalars.count, isAnchorChar(scalars[j]) { j += 1 }
                    while j < scalars.count, scalars[j] == " " { j += 1 }
                    if j < scalars.count, scalars[j] == ":" || closesFlowKey(scalars[j...]) {
                        throw FleetSpecError(at, "an alias cannot be used as a mapping key")
                    }
                    i = j
                    continue
                } else if atTokenStart, c == "?", i + 1 == scalars.count || scalars[i + 1] == " " {
                    throw FleetSpecError(SourceLocation(file: file, line: lineNumber, column: i + 1), "complex mapping keys ('?') are not supported")
                }
                i += 1
            }
        }
    }

    /// True when the rest of the line closes a flow collection that is a mapping key
    /// (`[*a, *a]: x`): a `]` or `}` followed by `:` and a space or the end of the line.
    static func closesFlowKey(_ rest: ArraySlice<Unicode.Scalar>) -> Bool {
        var i = rest.startIndex
        while i < rest.endIndex {
            if rest[i] == "]" || rest[i] == "}" {
                var j = rest.index(after: i)
                while j < rest.endIndex, rest[j] == " " { j += 1 }
                if j < rest.endIndex, rest[j] == ":", j + 1 == rest.endIndex || rest[j + 1] == " " { return true }
            }
            i += 1
        }
        return false
    }

    /// Characters libYAML accepts in anchor and alias names.
    static func isAnchorChar(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == "_"
    }
}
