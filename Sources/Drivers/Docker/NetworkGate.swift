import Synchronization

/// Single flight per network name in this process. Docker's `CheckDuplicate` is not atomic:
/// sixteen workers creating the first engines of a new product made four networks of one name
/// (seen in the kill -9 end-to-end test), and a container attached by name then never starts
/// ("network is ambiguous"). Concurrent callers for one name share one in-flight ensure.
final class NetworkGate: Sendable {
    private let inFlight = Mutex<[String: Task<Void, any Error>]>([:])

    init() {}

    /// Runs `ensure` for `name`, or waits for the run already in flight and shares its outcome.
    func once(_ name: String, _ ensure: @escaping @Sendable () async throws -> Void) async throws {
        let task = inFlight.withLock { tasks in
            if let running = tasks[name] { return running }
            // Owned here: awaited by every caller below and removed once done.
            let task = Task { try await ensure() }
            tasks[name] = task
            return task
        }
        defer { inFlight.withLock { tasks in if tasks[name] == task { tasks[name] = nil } } }
        try await task.value
    }
}
