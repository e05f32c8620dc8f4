import DesiredState
import Foundation
import Logging
import ServiceLifecycle

/// Coalesces "engine X was admitted at T" so the admit hot path never writes: admits note the
/// time in memory, and `run()` flushes every engine's latest time in one `recordActivity` call
/// per interval (and once more on shutdown). Activity may lag by one interval; the idle sleeper
/// thinks in minutes, so that is fine.
public actor ActivityRecorder: Service {
    let store: any DesiredStateWriter
    let interval: Duration
    let clock: any Clock<Duration>
    let logger: Logger
    private var pending: [UUID: Date] = [:]

    init(store: any DesiredStateWriter, interval: Duration, clock: any Clock<Duration>, logger: Logger) {
        self.store = store
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// Notes activity; keeps the latest time per engine.
    func record(_ engineID: UUID, at time: Date) {
        if let existing = pending[engineID], existing >= time { return }
        pending[engineID] = time
    }

    /// How many engines wait to be written (for tests and metrics).
    var pendingCount: Int { pending.count }

    /// Writes everything pending in one call. On failure the entries are put back (newer times
    /// recorded meanwhile win) and retried next interval.
    func flush() async {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = [:]
        do {
            try await store.recordActivity(batch)
        } catch {
            logger.warning("activity flush failed; will retry", metadata: ["engines": "\(batch.count)", "error": "\(type(of: error))"])
            for (id, time) in batch { record(id, at: time) }
        }
    }

    /// Flushes every `interval` until graceful shutdown, then flushes once more.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await self.clock.sleep(for: self.interval)
                await self.flush()
            }
        }
        await flush()
    }
}
