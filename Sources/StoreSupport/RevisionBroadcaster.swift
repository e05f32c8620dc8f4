import Foundation
import Synchronization

/// Fans the latest known revision out to every `waitForChange` caller of one store. The store
/// publishes after each commit (SQLite) or on each NOTIFY (Postgres); waiters resume as soon as
/// the revision passes theirs, or with nil when cancelled.
public final class RevisionBroadcaster: Sendable {
    private struct Waiter {
        var after: Int64
        var continuation: CheckedContinuation<Int64?, Never>
    }

    private struct State {
        var latest: Int64 = 0
        var nextID = 0
        var waiters: [Int: Waiter] = [:]
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    package init() {}

    /// Records a revision seen; wakes the waiters it passes. Older revisions are ignored.
    package func publish(_ revision: Int64) {
        let woken: [CheckedContinuation<Int64?, Never>] = state.withLock { state in
            guard revision > state.latest else { return [] }
            state.latest = revision
            let ready = state.waiters.filter { $0.value.after < revision }
            for id in ready.keys { state.waiters[id] = nil }
            return ready.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume(returning: revision) }
    }

    /// The newest revision published so far.
    package var latest: Int64 { state.withLock { $0.latest } }

    /// Waits until a revision past `after` is published or `timeout` elapses (nil).
    package func wait(after: Int64, timeout: Duration) async -> Int64? {
        await withTaskGroup(of: Int64?.self) { group in
            group.addTask { await self.waitUntilPublished(after: after) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private func waitUntilPublished(after: Int64) async -> Int64? {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int64?, Never>) in
                let immediate: Int64?? = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return .some(nil) }
                    if state.latest > after { return .some(state.latest) }
                    state.waiters[id] = Waiter(after: after, continuation: continuation)
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                if let waiter = state.waiters.removeValue(forKey: id) { return Optional(waiter) }
                state.cancelled.insert(id)
                return nil
            }
            waiter?.continuation.resume(returning: nil)
        }
    }
}
