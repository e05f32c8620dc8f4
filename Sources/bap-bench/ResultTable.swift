import Foundation

/// One line of the result table: a figure of ours next to its floor measured in the same run.
struct ResultRow: Encodable, Sendable {
    var section: String
    var name: String
    var unit: String
    var ours: Double?
    var floor: Double?
    /// What the goal says, in words ("≤ 1.1 × floor + 20 ms").
    var goal: String?
    var met: Bool?
    var note: String?

    var ratio: Double? {
        guard let ours, let floor, floor > 0 else { return nil }
        return ours / floor
    }

    enum CodingKeys: String, CodingKey { case section, name, unit, ours, floor, ratio, goal, met, note }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(section, forKey: .section)
        try c.encode(name, forKey: .name)
        try c.encode(unit, forKey: .unit)
        try c.encode(ours, forKey: .ours)
        try c.encode(floor, forKey: .floor)
        try c.encode(ratio, forKey: .ratio)
        try c.encode(goal, forKey: .goal)
        try c.encode(met, forKey: .met)
        try c.encode(note, forKey: .note)
    }
}

/// The rows of one run, printed as one Markdown table and written as JSON.
actor ResultTable {
    private(set) var rows: [ResultRow] = []
    let meta: [String: String]

    init(meta: [String: String]) { self.meta = meta }

    func add(_ row: ResultRow) {
        rows.append(row)
        // Progress on stderr as each figure lands; the table comes at the end on stdout.
        FileHandle.standardError.write(Data("bap-bench: \(Self.line(row))\n".utf8))
    }

    func markdown() -> String {
        var out = "| case | ours | floor | ratio | goal | met |\n|---|---|---|---|---|---|\n"
        for row in rows { out += Self.line(row) + "\n" }
        let notes = rows.compactMap { r in r.note.map { "- \(r.section) \(r.name): \($0)" } }
        if !notes.isEmpty { out += "\n" + notes.joined(separator: "\n") + "\n" }
        return out
    }

    static func line(_ r: ResultRow) -> String {
        let ratio = r.ratio.map { String(format: "%.2f", $0) } ?? "—"
        let met = r.met.map { $0 ? "yes" : "no" } ?? "—"
        return "| \(r.section): \(r.name) | \(fmt(r.ours, r.unit)) | \(fmt(r.floor, r.unit)) | \(ratio) | \(r.goal ?? "—") | \(met) |"
    }

    static func fmt(_ value: Double?, _ unit: String) -> String {
        guard let value else { return "—" }
        let digits = value >= 100 ? 0 : (value >= 10 ? 1 : 2)
        return String(format: "%.\(digits)f", value) + " " + unit
    }

    func writeJSON(to path: String) throws {
        struct Document: Encodable { var meta: [String: String]; var rows: [ResultRow] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(Document(meta: meta, rows: rows)).write(to: URL(fileURLWithPath: path))
    }
}
