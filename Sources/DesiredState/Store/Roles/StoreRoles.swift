/// What the API is handed: desired-state reads and writes, audit, the change feed and token
/// buckets. No `StatusWriter`, `DeletionFinalizer` or `Leases`: the API never writes status,
/// removes rows or takes a lease, and the compiler holds it to that.
public typealias APIStore = DesiredStateReader & DesiredStateWriter & AuditLog & ChangeFeed & TokenBuckets

/// What the controller is handed: reads, status writes, finalizers, audit, the change feed
/// and leases; desired-state writes only for the idle sleeper. No token buckets, no migration.
public typealias ControllerStore = DesiredStateReader & DesiredStateWriter & StatusWriter & DeletionFinalizer & AuditLog & ChangeFeed & Leases
