/// A plain, left-aligned text table that fits a terminal width: columns are as wide as their
/// widest cell, and when the row is too wide the last (free-text) column is cut with `…`.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }

    func render(width: Int = 80) -> String {
        let all = [headers] + rows
        // Identity columns are capped so one long user id cannot push the table past the width.
        var widths = headers.indices.map { i in min(i == headers.count - 1 ? Int.max : 40, all.map { $0.indices.contains(i) ? $0[i].count : 0 }.max() ?? 0) }
        let fixed = widths.dropLast().reduce(0, +) + 3 * (widths.count - 1)
        if let last = widths.indices.last, fixed + widths[last] > width { widths[last] = max(8, width - fixed) }
        return all.map { row in
            row.indices.map { i -> String in
                var cell = row[i]
                if cell.count > widths[i] { cell = String(cell.prefix(max(1, widths[i] - 1))) + "…" }
                return i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "   ")
        }.joined(separator: "\n")
    }
}

extension TextTable {
    /// One line with fixed column widths, for streams where later rows are not known yet.
    /// Cells are cut with `…` to their width; columns are separated by two spaces.
    static func fixedRow(_ cells: [String], widths: [Int]) -> String {
        cells.indices.map { i -> String in
            let width = widths.indices.contains(i) ? widths[i] : Int.max
            var cell = cells[i]
            if cell.count > width { cell = String(cell.prefix(max(1, width - 1))) + "…" }
            return i == cells.count - 1 || width == Int.max ? cell : cell.padding(toLength: width, withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }
}

/// Short ages like kubectl: `45s`, `12m`, `3h`, `5d`.
enum Age {
    static func since(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86_400)d"
    }
}
