import DesiredState
import Foundation
import WireModel

/// How engines are shown in `get`, `apply --wait` and watch streams.
enum EngineTable {
    static func table(_ engines: [EngineResource], wide: Bool, now: Date = Date()) -> TextTable {
        var table = wide
            ? TextTable("NAME", "WANT", "PHASE", "READY", "GEN", "RESTARTS", "AGE", "URL")
            : TextTable("NAME", "WANT", "PHASE", "READY", "RESTARTS", "AGE")
        for e in engines { table.rows.append(row(e, wide: wide, now: now)) }
        return table
    }

    /// Column widths for streamed rows (`get -w`): 79 columns with the short table.
    static func streamWidths(wide: Bool) -> [Int] {
        wide ? [30, 8, 12, 7, 7, 8, 5] : [30, 8, 12, 7, 8]
    }

    static func row(_ e: EngineResource, wide: Bool, now: Date = Date()) -> [String] {
        let ready = e.status.condition(.ready)?.status.rawValue ?? "Unknown"
        let want = e.deletionRequestedAt == nil ? e.spec.state.rawValue : "deleting"
        let age = Age.since(now.timeIntervalSince(e.createdAt))
        guard wide else { return [e.name, want, e.status.phase.rawValue, ready, "\(e.status.restartCount)", age] }
        return [e.name, want, e.status.phase.rawValue, ready, "\(e.status.observedGeneration)/\(e.generation)",
                "\(e.status.restartCount)", age, e.status.url ?? "-"]
    }

    static func products(_ products: [ProductView], wide: Bool) -> TextTable {
        var table = wide
            ? TextTable("SLUG", "ENGINES", "MAX", "RPM", "SLEEP", "IDLE", "IMAGE")
            : TextTable("SLUG", "ENGINES", "MAX", "NAME")
        for p in products {
            let count = p.engines.map { String($0.values.reduce(0, +)) } ?? "-"
            let max = p.policy.maxEngines.map(String.init) ?? "-"
            if wide {
                table.rows.append([p.slug, count, max, p.policy.rateLimitRPM.map(String.init) ?? "-", p.policy.sleepMode.rawValue,
                                   p.policy.idleSleepAfter.map { Age.since(Double($0)) } ?? "-", p.policy.template.image ?? "(default)"])
            } else {
                table.rows.append([p.slug, count, max, p.display_name])
            }
        }
        return table
    }
}
