import Foundation

/// CPU time and resident memory of a process, from /proc (Linux).
struct ProcessStats: Sendable {
    /// utime + stime in clock ticks.
    var cpuTicks: Int
    var rssMB: Double

    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    static func read(pid: Int32) -> ProcessStats? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after "(comm)": state is field 3, utime 14, stime 15 (1-based).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let utime = Int(fields[11]), let stime = Int(fields[12]) else { return nil }
        let rssKB = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        return ProcessStats(cpuTicks: utime + stime, rssMB: Double(rssKB) / 1024)
    }

    /// Percent of one core used between two readings `seconds` apart.
    static func cpuPercent(_ a: ProcessStats, _ b: ProcessStats, seconds: Double) -> Double {
        Double(b.cpuTicks - a.cpuTicks) / ticksPerSecond / seconds * 100
    }
}
