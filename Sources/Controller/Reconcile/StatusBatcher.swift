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
actor StatusBatcher {
    private let store: any StatusWriter
    private let maxBatch: Int
    private var pending: [(write: StatusWrite, done: CheckedContinuation<Void, any Error>)] = []
    private var flushing = false
    /// Transactions issued so far (≤ writes; the difference is what batching saved).
    private(set) var transactions = 0

    init(store: any StatusWriter, maxBatch: Int = 256) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
    }

    func write(_ engineID: UUID, _ status: EngineStatus) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            pending.append((StatusWrite(engineID: engineID, status: status), done))
            guard !flushing else { return }
            flushing = true
            // Not the caller's task: a worker cancelled mid-batch must not cut the others' write.
            Task { await self.flush() }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
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
        flushing = false
    }
}
