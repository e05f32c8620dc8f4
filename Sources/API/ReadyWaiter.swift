import DesiredState
import Foundation

/// Waits for the controller to report an engine Ready for a given spec generation. It never
/// acts: it re-reads the engine each time the store's revision moves (level-triggered), so any
/// number of callers can wait on the same engine and all see the same status.
struct ReadyWaiter: Sendable {
    let store: any Store
    let clock: any Clock<Duration>
    /// Upper bound of one `waitForChange` call, so a lost wake-up costs at most this long.
    var pollCeiling: Duration = .milliseconds(500)

    /// What the engine came to.
    enum Outcome: Sendable {
        case ready(EngineRecord)
        /// The controller gave up on this generation (`Degraded`, no retry planned).
        case failed(EngineRecord, reason: String, message: String)
        /// The row is gone (deleted meanwhile).
        case gone
        case timedOut(EngineRecord)
    }

    /// Returns once the engine is Ready with `observedGeneration >= generation`, failed for
    /// good, gone, or `timeout` passed. A `generation` of 0 means "the current one".
    func wait(engineID: UUID, generation: Int64, timeout: Duration) async throws -> Outcome {
        let clock = self.clock
        return try await Self.waitLoop(store: store, pollCeiling: pollCeiling, engineID: engineID, generation: generation, timeout: timeout, clock: clock)
    }

    private static func waitLoop<C: Clock<Duration>>(
        store: any Store, pollCeiling: Duration, engineID: UUID, generation: Int64, timeout: Duration, clock: C
    ) async throws -> Outcome {
        let deadline = clock.now.advanced(by: timeout)
        while true {
            // Revision first, then the row: a change landing in between wakes the next wait.
            let revision = try await store.currentRevision()
            guard let engine = try await store.engine(id: engineID) else { return .gone }
            if let outcome = Self.settled(engine, generation: max(generation, engine.generation)) { return outcome }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero { return .timedOut(engine) }
            try Task.checkCancellation()
            _ = try await store.waitForChange(after: revision, timeout: min(remaining, pollCeiling))
        }
    }

    /// Ready or failed for good, judged purely from the record.
    static func settled(_ engine: EngineRecord, generation: Int64) -> Outcome? {
        guard engine.status.observedGeneration >= generation else { return nil }
        if engine.status.isReady && !engine.isMarkedForDeletion { return .ready(engine) }
        if engine.status.phase == .failed, engine.status.nextRetryAt == nil,
           let degraded = engine.status.condition(.degraded), degraded.status == .true {
            return .failed(engine, reason: degraded.reason, message: degraded.message)
        }
        return nil
    }
}

extension APIEnvironment {
    /// Waits up to the boot timeout; Ready → the record, failure → 502, timeout → 504
    /// `BOOT_TIMEOUT`, gone → 404 `ENGINE_NOT_FOUND`.
    func waitUntilReady(_ engine: EngineRecord) async throws -> EngineRecord {
        let started = ContinuousClock.now
        let outcome = try await waiter.wait(engineID: engine.id, generation: engine.generation, timeout: configuration.bootTimeout)
        metrics.recordReadyWait(ContinuousClock.now - started, outcome: outcome)
        switch outcome {
        case .ready(let record): return record
        case .failed(_, let reason, let message): throw APIError.engineFailed(reason: reason, message: message)
        case .gone: throw APIError.engineNotFound
        case .timedOut: throw APIError.bootTimeout
        }
    }
}
