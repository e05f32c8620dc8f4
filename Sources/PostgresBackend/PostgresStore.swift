import DesiredState
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import StoreSupport
import Synchronization

/// The production `Store`: PostgreSQL through a PostgresNIO connection pool. Many replicas may
/// share one database: quota, token buckets and leases are exact across them (row locks and
/// single-statement upserts), and the revision counter row orders every commit.
///
/// `run()` must be running for any query to complete: it runs the pool and one long-lived
/// `LISTEN` connection that wakes `waitForChange` callers (with a 1 s poll as the fallback).
public final class PostgresStore: Store, TransactionalStore, ChangeLogBackend, Sendable {
    let client: PostgresClient
    let logger: Logger
    public let broadcaster = RevisionBroadcaster()
    /// How long a call waits for a pooled connection before it answers `.unavailable`, while
    /// Postgres is known to be unreachable (a call failed at the connection level since the last
    /// success). The pool keeps every waiter until it can connect again (its own breaker trips
    /// only after a minute); an API caller is better served by a prompt 503.
    let leaseDeadline: Duration
    /// The same bound while Postgres answers: generous, because then a wait only means the pool
    /// is busy (200 creates serialized on one product row queue for seconds), not that it is down.
    let busyLeaseDeadline: Duration
    private let reachable = Mutex(true)
    /// The NOTIFY channel every writing transaction signals with its last revision.
    static let channel = "bap_changes"

    /// - Parameter configuration: where the database is; `options.maximumConnections` bounds
    ///   the pool (one more connection is held by the LISTEN loop).
    public init(
        configuration: PostgresClient.Configuration, leaseDeadline: Duration = .seconds(2), busyLeaseDeadline: Duration = .seconds(30),
        logger: Logger
    ) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.leaseDeadline = leaseDeadline
        self.busyLeaseDeadline = busyLeaseDeadline
    }

    /// Calls from now on wait `leaseDeadline` at most for a connection, until one succeeds
    /// again (`StoreHealth` says so when its ping goes unanswered).
    public func noteUnreachable() { reachable.withLock { $0 = false } }

    /// From a `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]`
    /// URL (`ORCH_DATABASE_URL`). Throws a `ValidationError` that never repeats the password.
    public convenience init(url: String, maxConnections: Int = 20, logger: Logger) throws {
        var configuration = try Self.configuration(url: url)
        configuration.options.maximumConnections = maxConnections
        self.init(configuration: configuration, logger: logger)
    }

    /// Runs the connection pool and the LISTEN loop until cancelled or shut down gracefully.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.client.run() }
                group.addTask { await self.listenForChanges() }
            }
        }
    }

    /// Holds one connection in `LISTEN` and publishes every notified revision to the waiters.
    /// A broken connection is retried every second; `waitForChange` polls meanwhile.
    private func listenForChanges() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        // Anything committed before LISTEN took effect is caught up by one read.
                        // Best effort: before `migrate()` the counter table does not exist yet,
                        // and failing here would drop LISTEN for a second.
                        if let revision = try? await self.currentRevision() { self.broadcaster.publish(revision) }
                        for try await notification in notifications {
                            if let revision = Int64(notification.payload) { self.broadcaster.publish(revision) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("LISTEN connection lost; retrying", metadata: ["error": "\(String(describing: type(of: error)))"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Runs `body` in one transaction (committed on return, rolled back on throw), mapping
    /// backend errors to `StoreError`.
    ///
    /// The transaction runs in its own task, so cancelling the caller (a lost leader lease, a
    /// shutdown, a raced renewal) never cuts it in half: a transaction cancelled between two
    /// statements can leave its pooled connection inside an aborted transaction, and the next
    /// user of that connection gets `25P02` (seen under load in the end-to-end tests).
    /// Transactions here are short; the caller still waits for the outcome.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresTransaction) async throws -> T) async throws -> T {
        let logger = self.logger
        let shielded = Task {
            try await self.leased { connection in
                try await connection.withTransaction(logger: logger) { connection in
                    try await body(PostgresTransaction(connection: connection, logger: logger))
                }
            }
        }
        do {
            return try await shielded.value
        } catch {
            throw Self.storeError(error)
        }
    }

    public func withStoreTransaction<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await transaction { tx in try await body(tx) }
    }

    /// Runs one statement outside a transaction and collects its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let logger = self.logger
        do {
            return try await leased { connection in
                var rows: [PostgresRow] = []
                for try await row in try await connection.query(query, logger: logger) { rows.append(row) }
                return rows
            }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// `body` on a pooled connection, or `.unavailable` when none is granted in time
    /// (`leaseDeadline` while Postgres is known unreachable, `busyLeaseDeadline` otherwise), or
    /// when a granted body gets no answer for `leaseDeadline` while Postgres is known
    /// unreachable. A success marks Postgres reachable, a connection-level failure unreachable.
    func leased<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            let value = try await leasedWithDeadline(body)
            reachable.withLock { $0 = true }
            return value
        } catch {
            if Self.isConnectionFailure(error) { noteUnreachable() }
            throw error
        }
    }

    /// The deadline is looked at again every 250 ms while the lease is awaited, so a call that
    /// began waiting while Postgres still answered gets the short bound once it is known down.
    ///
    /// A granted body is bounded too, but only while Postgres is known unreachable: a
    /// connection that was handed out as Postgres shut down can leave its query unanswered for
    /// good (seen in the chaos `postgres` case: 1–2 of ~20 in-flight admits parked until the
    /// client gave up). After `leaseDeadline` on such a connection the caller gets
    /// `.unavailable`; the abandoned body ends (or not) on its own and its outcome is dropped,
    /// which for a write is the usual ambiguity of a connection lost around COMMIT. While
    /// Postgres answers, a body runs to its end however long it takes (row locks under load).
    private func leasedWithDeadline<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = self.client
        let call = BoundedStoreCall<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                call.attach(continuation)
                call.attach(work: Task {
                    do {
                        let value = try await client.withConnection { connection in
                            guard call.grant() else { throw CancellationError() }
                            return try await body(connection)
                        }
                        call.finish(.success(value))
                    } catch {
                        call.finish(.failure(error))
                    }
                })
                call.attach(watchdog: Task { await self.watch(call) })
            }
        } onCancel: {
            call.cancel()
        }
    }

    /// The watchdog of one call: every 250 ms until the caller has its answer, gives up on a
    /// lease not granted within the deadline in force, or on a body that has run
    /// `leaseDeadline` on its connection while Postgres is known unreachable.
    private func watch<T: Sendable>(_ call: BoundedStoreCall<T>) async {
        let started = ContinuousClock.now
        while true {
            try? await Task.sleep(for: .milliseconds(250))
            let down = !reachable.withLock { $0 }
            switch call.phase {
            case .done:
                return
            case .waiting:
                let deadline = down ? leaseDeadline : busyLeaseDeadline
                if started.duration(to: .now) >= deadline {
                    call.expire(LeaseTimeout(deadline: deadline, granted: false))
                    return
                }
            case .granted(let at):
                if down, at.duration(to: .now) >= leaseDeadline {
                    if call.expire(LeaseTimeout(deadline: leaseDeadline, granted: true)) {
                        logger.warning("a query got no answer while Postgres is unreachable; the call answers unavailable", metadata: ["waited": "\(at.duration(to: .now))"])
                    }
                    return
                }
            }
        }
    }
}

/// No pooled connection was granted within the deadline, or (`granted`) the query on a
/// granted one got no answer within it while Postgres was unreachable (mapped to
/// `.unavailable`).
struct LeaseTimeout: Error {
    var deadline: Duration
    var granted = false
}
