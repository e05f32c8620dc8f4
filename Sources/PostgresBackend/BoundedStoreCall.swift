import Foundation
import PostgresNIO
import Synchronization

/// One `PostgresStore` call whose caller can be answered by whichever comes first: the call's
/// own outcome, or the store's watchdog giving up on it. The work runs in its own task, so
/// giving up never waits for it: a task group would, and a query on a connection that
/// Postgres dropped mid-shutdown can stay unanswered long after the database is back (chaos
/// `postgres`: 2 of ~300 in-flight admits parked until the client's 10 s timeout).
final class BoundedStoreCall<T: Sendable>: Sendable {
    /// Where the call is.
    enum Phase: Sendable {
        /// Waiting for a pooled connection.
        case waiting
        /// Running on a connection since the instant.
        case granted(ContinuousClock.Instant)
        /// The caller has its answer (result or watchdog error).
        case done
    }

    private struct State {
        var phase = Phase.waiting
        var continuation: CheckedContinuation<T, any Error>?
        var work: Task<Void, Never>?
        var watchdog: Task<Void, Never>?
        var cancelled = false
    }

    private let state = Mutex(State())

    var phase: Phase { state.withLock { $0.phase } }

    /// Stores the continuation the caller waits on; call before anything can finish.
    func attach(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Keeps the task doing the work so it can be cancelled; cancels it at once when the
    /// caller was cancelled before it existed.
    func attach(work: Task<Void, Never>) {
        let cancelNow = state.withLock { state in
            state.work = work
            return state.cancelled
        }
        if cancelNow { work.cancel() }
    }

    /// Keeps the watchdog so that an answer ends its sleep at once (it would otherwise tick on
    /// for up to one interval after every call).
    func attach(watchdog: Task<Void, Never>) {
        let done = state.withLock { state in
            state.watchdog = watchdog
            if case .done = state.phase { return true }
            return false
        }
        if done { watchdog.cancel() }
    }

    /// A connection was granted: true if the body should run, false if the caller already has
    /// its answer (the body must not start then: nobody would see its outcome).
    func grant() -> Bool {
        state.withLock { state in
            guard case .waiting = state.phase else { return false }
            state.phase = .granted(.now)
            return true
        }
    }

    /// Answers the caller with the work's outcome, unless the watchdog answered first.
    func finish(_ result: Result<T, any Error>) {
        _ = resume(with: result)
    }

    /// Answers the caller with `error` if it has no answer yet; true if this did answer it.
    /// The work is cancelled (a lease still waited for is given back to the pool).
    @discardableResult
    func expire(_ error: any Error) -> Bool {
        guard resume(with: .failure(error)) else { return false }
        state.withLock { $0.work }?.cancel()
        return true
    }

    /// The caller was cancelled: cancel the work; its outcome (a `CancellationError` from a
    /// lease wait, or whatever the body makes of it) answers the caller.
    func cancel() {
        let work = state.withLock { state in
            state.cancelled = true
            return state.work
        }
        work?.cancel()
    }

    private func resume(with result: Result<T, any Error>) -> Bool {
        let taken = state.withLock { state -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?)? in
            if case .done = state.phase { return nil }
            state.phase = .done
            defer { state.continuation = nil }
            return (state.continuation, state.watchdog)
        }
        guard let (continuation, watchdog) = taken else { return false }
        continuation?.resume(with: result)
        watchdog?.cancel()
        return true
    }
}
