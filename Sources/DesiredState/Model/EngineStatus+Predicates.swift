import Foundation

/// The domain predicates the API, admission and the CLI share, written once: "Ready for the
/// current spec" and "failed for good". Both are judged against a spec generation, so an older
/// generation's Ready or failure never counts.
extension EngineStatus {
    /// `Ready=True` for `generation` or a later one.
    public func isReady(forGeneration generation: Int64) -> Bool {
        isReady && observedGeneration >= generation
    }

    /// Failed for good for `generation` or a later one: the controller gave up (restarts
    /// exhausted, image not found, invalid spec…) and plans no retry until the spec changes.
    /// A failure with a retry scheduled (`nextRetryAt`) is not for good.
    public func isFailedForGood(generation: Int64) -> Bool {
        phase == .failed && nextRetryAt == nil && observedGeneration >= generation
    }

    /// The `Degraded=True` condition that says why, when failed for good for `generation`;
    /// nil otherwise.
    public func terminalFailure(generation: Int64) -> Condition? {
        guard isFailedForGood(generation: generation), let degraded = condition(.degraded), degraded.status == .true else { return nil }
        return degraded
    }
}

extension EngineRecord {
    /// Ready for `generation` or a later one, and not being deleted.
    public func isReady(forGeneration generation: Int64) -> Bool {
        status.isReady(forGeneration: generation) && !isMarkedForDeletion
    }

    /// Ready for the spec as it stands now (not an older generation's Ready), not being deleted.
    public var isReadyForCurrentSpec: Bool { isReady(forGeneration: generation) }

    /// Failed for good for the spec as it stands now (see `EngineStatus.isFailedForGood`).
    public var isFailedForGood: Bool { status.isFailedForGood(generation: generation) }
}
