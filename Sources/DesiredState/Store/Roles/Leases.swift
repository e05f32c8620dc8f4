import Foundation

/// Leader leases (coordination, with `TokenBuckets`): the controller's leader election alone.
public protocol Leases: Sendable {
    /// Acquires the lease `name` for `holder`, or renews it if `holder` has it. Returns false if
    /// someone else holds an unexpired lease. Expiry is judged on ONE clock shared by every
    /// contender: Postgres uses the database's `now()` and ignores `now`; SQLite (one host)
    /// uses `now`.
    func acquireLease(name: String, holder: String, ttl: Duration, now: Date) async throws -> Bool
    /// Gives the lease up if `holder` has it.
    func releaseLease(name: String, holder: String) async throws
}
