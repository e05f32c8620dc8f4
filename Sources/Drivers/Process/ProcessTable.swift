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
///
/// Every child is registered at spawn and reaped by `reapAll()` (each look of the driver's
/// monitor) as well as on demand, so no exited engine stays a zombie, whichever path killed
/// it or removed its metadata first. Reaping on demand alone is not enough: when a
/// multi-threaded engine is killed, `/proc/<pid>/stat` shows its leader as `Z` while its other
/// threads are still exiting, and `waitpid` answers "not yet" until the last one is gone; a
/// stop that looked once and then deleted the engine's metadata left it a zombie for good
/// (2 of 10 rotations measured before this change, 8 of 10 in the issue).
actor ChildReaper {
    static let shared = ChildReaper()
    private var children: Set<Int32> = []
    private var exits: [Int32: (code: Int, at: Date)] = [:]

    /// A child just spawned with `pid`: an exit recorded for an earlier process with the same
    /// pid is stale now.
    func adopt(_ pid: Int32) {
        children.insert(pid)
        exits[pid] = nil
    }

    /// The exit code (128 + signal for a signalled process) once the child has exited; nil
    /// while it runs or when it is not our child.
    func exit(of pid: Int32) -> (code: Int, at: Date)? {
        if let known = exits[pid] { return known }
        return reap(pid)
    }

    /// Reaps every registered child that has exited. Answers how many it reaped.
    @discardableResult
    func reapAll() -> Int {
        var reaped = 0
        for pid in children where reap(pid) != nil { reaped += 1 }
        return reaped
    }

    /// Forgets a pid once a new process replaces it (pids are reused).
    func forget(_ pid: Int32) { exits[pid] = nil }

    private func reap(_ pid: Int32) -> (code: Int, at: Date)? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == -1, errno == ECHILD { children.remove(pid) }
        guard result == pid else { return nil }
        children.remove(pid)
        let low = status & 0x7f
        let code = low == 0 ? Int((status >> 8) & 0xff) : 128 + Int(low)
        // Bounded: one entry per start, oldest dropped past 4096 (only recent exits matter).
        if exits.count >= 4096, let oldest = exits.min(by: { $0.value.at < $1.value.at })?.key { exits[oldest] = nil }
        exits[pid] = (code, Date())
        return exits[pid]
    }
}
