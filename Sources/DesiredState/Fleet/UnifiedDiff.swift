/// A unified diff (`diff -u` format, 3 lines of context) of two texts, from the standard
/// library's Myers difference. Empty when the texts are equal. `bap-engine diff` renders live
/// and local fleet YAML (both from `FleetYAMLWriter`) with it.
public enum UnifiedDiff {
    enum Op: Equatable { case same(String), removed(String), inserted(String) }

    public static func render(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let a = lines(old), b = lines(new)
        let ops = script(a, b)
        let changed = ops.indices.filter { if case .same = ops[$0] { return false } else { return true } }
        guard !changed.isEmpty else { return "" }
        var out = "--- \(oldName)\n+++ \(newName)\n"
        var groupStart = 0
        while groupStart < changed.count {
            var groupEnd = groupStart
            while groupEnd + 1 < changed.count, changed[groupEnd + 1] - changed[groupEnd] <= 2 * context { groupEnd += 1 }
            let from = max(0, changed[groupStart] - context), to = min(ops.count - 1, changed[groupEnd] + context)
            out += hunk(ops, from: from, to: to)
            groupStart = groupEnd + 1
        }
        return out
    }

    /// Old and new line numbers before `index`, then the hunk text.
    static func hunk(_ ops: [Op], from: Int, to: Int) -> String {
        var oldLine = 1, newLine = 1
        for op in ops[..<from] {
            switch op {
            case .same: oldLine += 1; newLine += 1
            case .removed: oldLine += 1
            case .inserted: newLine += 1
            }
        }
        var body = "", oldCount = 0, newCount = 0
        for op in ops[from...to] {
            switch op {
            case .same(let l): body += " \(l)\n"; oldCount += 1; newCount += 1
            case .removed(let l): body += "-\(l)\n"; oldCount += 1
            case .inserted(let l): body += "+\(l)\n"; newCount += 1
            }
        }
        // As diff -u: an empty side is numbered from the line before it.
        return "@@ -\(oldCount == 0 ? oldLine - 1 : oldLine),\(oldCount) +\(newCount == 0 ? newLine - 1 : newLine),\(newCount) @@\n" + body
    }

    static func script(_ a: [String], _ b: [String]) -> [Op] {
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in b.difference(from: a) {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) { ops.append(.removed(a[i])); i += 1 }
            else if j < b.count, inserted.contains(j) { ops.append(.inserted(b[j])); j += 1 }
            else { ops.append(.same(a[i])); i += 1; j += 1 }
        }
        return ops
    }

    static func lines(_ text: String) -> [String] {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() }
        return parts
    }
}
