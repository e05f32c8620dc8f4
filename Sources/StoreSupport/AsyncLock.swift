import Synchronization

/// A FIFO lock for async code: SQLite's single connection runs one transaction at a time, and
/// an actor alone would not do (it re-enters at every `await` inside a transaction).
package final class AsyncLock: Sendable {
    private struct State {
        var locked = false
        var queue: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    package init() {}

    /// Runs `body` holding the lock. Waiting is not cancellable: a transaction once queued runs.
    package func withLock<T>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state in
                if state.locked {
                    state.queue.append(continuation)
                    return false
                }
                state.locked = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.queue.isEmpty {
                state.locked = false
                return nil
            }
            return state.queue.removeFirst()
        }
        next?.resume()
    }
}
