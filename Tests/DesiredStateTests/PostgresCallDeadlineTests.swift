@testable import DesiredState
@testable import PostgresBackend
import Foundation
import PostgresNIO
import Testing
import TestSupport

/// The chaos `postgres` case (Postgres stopped under admit load) had 1–2 of ~20 in-flight admits
/// wait out the client's 10 s: their query went out on a connection Postgres dropped as it shut
/// down and never got an answer, and `PostgresStore` bounded only the wait for a connection.
/// Here the unanswered query is a `pg_sleep` on the real test cluster, with the store told
/// Postgres is unreachable (as `StoreHealth` or a failed call would have told it).
@Suite("Postgres call deadlines")
struct PostgresCallDeadlineTests {
    func store() throws -> PostgresStore {
        PostgresStore(
            configuration: try PostgresStore.configuration(url: TestEnvironment.postgresURL()),
            leaseDeadline: .seconds(1), busyLeaseDeadline: .seconds(30), logger: StoreFactory.logger
        )
    }

    @Test("a query unanswered while Postgres is known unreachable is `.unavailable` within the lease deadline")
    func unansweredQueryWhileUnreachable() async throws {
        let store = try store()
        try await StoreFactory.running([store]) {
            _ = try await store.rows("SELECT 1")  // a pooled connection exists: the lease is granted at once
            store.noteUnreachable()
            let clock = ContinuousClock()
            let started = clock.now
            await #expect { _ = try await store.rows("SELECT pg_sleep(12)") } throws: { error in
                (error as? StoreError)?.code == .unavailable && (error as? StoreError)?.detail.contains("no answer within") == true
            }
            let took = started.duration(to: clock.now)
            print("unanswered query while Postgres is unreachable: .unavailable after \(took)")
            #expect(took < .seconds(8))  // generous: 1 s deadline + 250 ms ticks; the sleep is 12 s
        }
    }

    @Test("while Postgres answers, a slow query runs to its end past the lease deadline")
    func slowQueryWhileReachable() async throws {
        let store = try store()
        try await StoreFactory.running([store]) {
            let rows = try await store.rows("SELECT 1 AS one FROM pg_sleep(2)")
            #expect(try rows.first?.decode(Int.self) == 1)
        }
    }
}
