import Foundation

/// Reads `/proc` to tell whether a recorded engine process is still the one we started.
enum ProcessTable {
    enum Liveness: Equatable {
        case running
        /// Stopped by SIGSTOP (our pause).
        case stopped
        /// Gone, a zombie, or the pid now belongs to another process.
        case dead
    }

    /// State (field 3) and start time (field 22) of `/proc/<pid>/stat`. The command name
    /// (field 2) may hold spaces and parentheses, so fields are counted after its last `)`.
    static func stat(_ pid: Int32) -> (state: Character, startTime: UInt64)? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat"),
              let text = String(data: data, encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); field 22 is fields[19].
        guard fields.count > 19, let state = fields[0].first, let start = UInt64(fields[19]) else { return nil }
        return (state, start)
    }

    static func liveness(pid: Int32, startTime: UInt64?) -> Liveness {
        guard let stat = stat(pid), stat.startTime == startTime else { return .dead }
        switch stat.state {
        case "Z", "X", "x": return .dead
        case "T", "t": return .stopped
        default: return .running
        }
    }
}

/// Collects the exit status of engine processes that are children of this orchestrator
/// process (a re-adopted engine started by an earlier orchestrator is not: its exit code is
/// unknown). Shared by every driver instance, since `waitpid` can reap a child only once.
actor ChildReaper {
    static let shared = ChildReaper()
    private var exits: [Int32: (code: Int, at: Date)] = [:]

    /// The exit code (128 + signal for a signalled process) once the child has exited; nil
    /// while it runs or when it is not our child.
    func exit(of pid: Int32) -> (code: Int, at: Date)? {
        if let known = exits[pid] { return known }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        let low = status & 0x7f
        let code = low == 0 ? Int((status >> 8) & 0xff) : 128 + Int(low)
        exits[pid] = (code, Date())
        return exits[pid]
    }

    /// Forgets a pid once a new process replaces it (pids are reused).
    func forget(_ pid: Int32) { exits[pid] = nil }
}
