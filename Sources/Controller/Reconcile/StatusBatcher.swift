import DesiredState
import Foundation

/// Group commit for status writes. Workers hand their engine's new status here and wait; the
/// writes that arrive while one transaction is in flight go together in the next one
/// (`Store.writeStatuses`). Every store write takes the global revision counter row until it
/// commits, so one transaction per status serializes the whole controller on that row; one per
/// batch pays that price once for every worker waiting.
///
/// A write returns only once its transaction committed (or throws its error), so a reconcile
/// still finishes with its status stored, as before.
///
/// Transactions are issued by `run()` only, which the controller runs as a child of the
/// leadership term: not by the writing worker's task (a worker cancelled mid-batch must not cut
/// the others' write) and not by a task of its own (which could outlive the term and commit
/// status after the lease was lost). When `run()` is cancelled it issues nothing more: the
/// writes still waiting fail with `CancellationError`, and so does any later write. A batch
/// already handed to the store when the lease is lost finishes before `run()` returns, so by
/// the time the term has ended nothing commits.
actor StatusBatcher {
    private let store: any StatusWriter
    private let maxBatch: Int
    private var pending: [(write: StatusWrite, done: CheckedContinuation<Void, any Error>)] = []
    /// Wakes `run()`: one buffered element is enough, since each wake drains everything pending.
    private let wake: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    private var stopped = false
    /// Transactions issued so far (≤ writes; the difference is what batching saved).
    private(set) var transactions = 0
    /// Writes waiting for a transaction (for tests).
    var pendingCount: Int { pending.count }

    init(store: any StatusWriter, maxBatch: Int = 256) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
        (wake, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func write(_ engineID: UUID, _ status: EngineStatus) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            guard !stopped else { return done.resume(throwing: CancellationError()) }
            pending.append((StatusWrite(engineID: engineID, status: status), done))
            wakeUp.yield()
        }
    }

    /// Commits pending writes, batch after batch, until cancelled; then fails what is left.
    /// Runs once (a stopped batcher stays stopped: a new leadership term makes a new one).
    func run() async {
        for await _ in wake {
            while !pending.isEmpty, !Task.isCancelled {
                let batch = pending.prefix(maxBatch)
                pending.removeFirst(batch.count)
                let result: Result<Void, any Error>
                transactions += 1
                do {
                    try await store.writeStatuses(batch.map(\.write))
                    result = .success(())
                } catch {
                    result = .failure(error)
                }
                for entry in batch { entry.done.resume(with: result) }
            }
            if Task.isCancelled { break }
        }
        stopped = true
        wakeUp.finish()
        let left = pending
        pending.removeAll()
        for entry in left { entry.done.resume(throwing: CancellationError()) }
    }
}
