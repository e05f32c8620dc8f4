/// How one reconcile ended; decides what the queue does with the key. Every error ends in
/// exactly one of these: backoff (`retry`), terminal (recorded in status, `done`), or
/// look-again (`requeueAfter`).
public enum ReconcileResult: Sendable, Equatable {
    /// Converged or terminally failed: forget the key's backoff.
    case done
    /// Look again after this long (booting, restart backoff); not a failure.
    case requeueAfter(Duration)
    /// A transient failure (runtime or store unavailable): back off and retry.
    case retry(String)
}
