import Synchronization

/// Opens once, when the store's migrations are done (`MigratingStore`); the services that need
/// the schema (`AfterMigration`) wait for it. It never opens if migrating failed: the failure
/// ends the service group, which cancels the waiters.
final class MigrationGate: Sendable {
    private enum State {
        case closed([Int: CheckedContinuation<Void, any Error>], next: Int)
        case open
    }
    private let state = Mutex(State.closed([:], next: 0))

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard case .closed(let waiters, _) = state else { return [] }
            state = .open
            return Array(waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the gate is open; throws `CancellationError` if cancelled first.
    func wait() async throws {
        let id = state.withLock { state -> Int? in
            guard case .closed(let waiters, let next) = state else { return nil }
            state = .closed(waiters, next: next + 1)
            return next
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    guard case .closed(var waiters, let next) = state else { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    waiters[id] = continuation
                    state = .closed(waiters, next: next)
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard case .closed(var waiters, let next) = state, let waiter = waiters.removeValue(forKey: id) else { return nil }
                state = .closed(waiters, next: next)
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
