import DesiredState
import Foundation

/// Waits for the controller to report an engine Ready (or, for the legacy stop, stopped) for a
/// given spec generation. It never acts: it re-reads the engine each time the store's revision
/// moves (level-triggered), so any number of callers can wait on the same engine and all see
/// the same status.
struct ReadyWaiter: Sendable {
    let store: any DesiredStateReader & ChangeFeed
    let clock: any Clock<Duration>
    /// Upper bound of one `waitForChange` call, so a lost wake-up costs at most this long.
    var pollCeiling: Duration = .milliseconds(500)

    /// What to wait for.
    enum Target: Sendable {
        /// Ready for the spec (provision, start, rotate-key, admit).
        case ready
        /// Observed stopped: the controller stopped the runtime for this generation (legacy stop).
        case stopped
    }

    /// What the engine came to.
    enum Outcome: Sendable {
        case ready(EngineRecord)
        /// The controller reported the runtime stopped for the awaited generation.
        case stopped(EngineRecord)
        /// The spec moved on (say, a start after our stop) before the awaited state was reached.
        case superseded(EngineRecord)
        /// The controller gave up on this generation (`Degraded`, no retry planned).
        case failed(EngineRecord, reason: ConditionReason, message: String)
        /// The row is gone (deleted meanwhile).
        case gone
        case timedOut(EngineRecord)
    }

    /// Returns once the engine is Ready with `observedGeneration >= generation`, failed for
    /// good, gone, or `timeout` passed. A `generation` of 0 means "the current one".
    func wait(engineID: UUID, generation: Int64, timeout: Duration, for target: Target = .ready) async throws -> Outcome {
        let clock = self.clock
        return try await Self.waitLoop(store: store, pollCeiling: pollCeiling, engineID: engineID, generation: generation, timeout: timeout, target: target, clock: clock)
    }

    private static func waitLoop<C: Clock<Duration>>(
        store: any DesiredStateReader & ChangeFeed, pollCeiling: Duration, engineID: UUID, generation: Int64, timeout: Duration, target: Target, clock: C
    ) async throws -> Outcome {
        let deadline = clock.now.advanced(by: timeout)
        while true {
            // Revision first, then the row: a change landing in between wakes the next wait.
            let revision = try await store.currentRevision()
            guard let engine = try await store.engine(id: engineID) else { return .gone }
            let settled = switch target {
            case .ready: Self.settled(engine, generation: max(generation, engine.generation))
            case .stopped: Self.settledStopped(engine, generation: generation)
            }
            if let outcome = settled { return outcome }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero { return .timedOut(engine) }
            try Task.checkCancellation()
            _ = try await store.waitForChange(after: revision, timeout: min(remaining, pollCeiling))
        }
    }

    /// Ready or failed for good, judged purely from the record.
    static func settled(_ engine: EngineRecord, generation: Int64) -> Outcome? {
        if engine.isReady(forGeneration: generation) { return .ready(engine) }
        if let failure = engine.status.terminalFailure(generation: generation) {
            return .failed(engine, reason: failure.reason, message: failure.message)
        }
        return nil
    }

    /// Stopped, gone for the legacy API, moved on, or failed for good, judged purely from the
    /// record. The controller writes `phase = stopped` for a generation only after its stop
    /// action returned (or when nothing ran), so this is "observed stopped", not "asked to stop".
    /// A stop that failed and will be retried is `Degraded`: keep waiting.
    static func settledStopped(_ engine: EngineRecord, generation: Int64) -> Outcome? {
        if engine.isMarkedForDeletion { return .gone }
        if engine.spec.state != .stopped { return .superseded(engine) }
        let generation = max(generation, engine.generation)
        guard engine.status.observedGeneration >= generation else { return nil }
        if engine.status.phase == .stopped, engine.status.condition(.degraded)?.status != .true { return .stopped(engine) }
        if let failure = engine.status.terminalFailure(generation: generation) {
            return .failed(engine, reason: failure.reason, message: failure.message)
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
        case .ready(let record), .stopped(let record), .superseded(let record): return record
        case .failed(_, let reason, let message): throw APIError.engineFailed(reason: reason, message: message)
        case .gone: throw APIError.engineNotFound
        case .timedOut: throw APIError.bootTimeout
        }
    }

    /// The legacy stop's wait: until the controller reports the engine stopped, bounded by
    /// `stopTimeout` (`ORCH_STOP_GRACE_S` plus a margin). Stopped → the record; deleted
    /// meanwhile → 404 `ENGINE_NOT_FOUND`; started again meanwhile → 409 `ENGINE_STATE_CHANGED`;
    /// failed for good → 502 `ENGINE_FAILED`; past the bound → 504 `STOP_TIMEOUT`.
    func waitUntilStopped(_ engine: EngineRecord) async throws -> EngineRecord {
        let outcome = try await waiter.wait(engineID: engine.id, generation: engine.generation, timeout: configuration.stopTimeout, for: .stopped)
        switch outcome {
        case .stopped(let record), .ready(let record): return record
        case .superseded: throw APIError.engineStateChanged
        case .failed(_, let reason, let message): throw APIError.engineFailedToStop(reason: reason, message: message)
        case .gone: throw APIError.engineNotFound
        case .timedOut: throw APIError.stopTimeout
        }
    }
}
