@testable import DesiredState
@testable import PostgresBackend
import Foundation
import PostgresNIO
import Testing
import TestSupport

/// `PostgresStore.transaction` runs its body in a task of its own, so that cancelling the caller
/// (a lost leader lease, a shutdown, a raced renewal) never cuts a transaction between two
/// statements: a cut one can leave its pooled connection inside an aborted transaction, and the
/// next user of that connection gets `25P02` (seen under load in the end-to-end tests). This
/// pins that shield on the real test cluster, with a pool of one free connection so the next
/// call is sure to get the same connection back.
@Suite("Postgres transaction shield")
struct PostgresTransactionShieldTests {
    @Test("a caller cancelled mid-transaction: the transaction runs to its commit whole, and the connection serves the next call")
    func cancelledCallerMidTransaction() async throws {
        // Two connections: one is held by the LISTEN loop, the other serves every call here.
        try await StoreFactory.withStore(.postgres, maxConnections: 2) { any in
            let store = try #require(any as? PostgresStore)
            let table = "shield_\(UUID().uuidString.prefix(8).lowercased())"
            _ = try await store.rows("CREATE TABLE \(unescaped: table) (n int NOT NULL)")
            let (entered, enter) = AsyncStream.makeStream(of: Void.self)

            let caller = Task {
                try await store.transaction { tx in
                    _ = try await tx.rows("INSERT INTO \(unescaped: table) VALUES (1)")
                    enter.yield()
                    // The caller is cancelled while this statement runs.
                    _ = try await tx.rows("SELECT pg_sleep(0.5)")
                    _ = try await tx.rows("INSERT INTO \(unescaped: table) VALUES (2)")
                    return 2
                }
            }
            await entered.first { _ in true }
            caller.cancel()

            // The caller still gets its transaction's outcome: committed.
            #expect(try await caller.value == 2)
            let rows = try await store.rows("SELECT n FROM \(unescaped: table) ORDER BY n")
            #expect(try rows.map { try $0.decode(Int.self) } == [1, 2], "committed whole, not half")

            // The same connection is clean: a store transaction and a plain read both work.
            let product = try await store.createProduct(Product(
                id: UUID(), slug: "shield", displayName: "shield", apiKeyHash: SecretHash.sha256Hex("shield"), policy: Policy(), createdAt: Date()
            ))
            #expect(try await store.product(id: product.id)?.slug == "shield")
            let after = try await store.transaction { tx in try await tx.rows("SELECT count(*) FROM \(unescaped: table)").first?.decode(Int.self) }
            #expect(after == 2)
        }
    }

    @Test("a caller cancelled before its transaction gets a connection: it still runs whole or not at all")
    func cancelledWhileWaitingForAConnection() async throws {
        try await StoreFactory.withStore(.postgres, maxConnections: 2) { any in
            let store = try #require(any as? PostgresStore)
            let table = "shield_\(UUID().uuidString.prefix(8).lowercased())"
            _ = try await store.rows("CREATE TABLE \(unescaped: table) (n int NOT NULL)")
            let (entered, enter) = AsyncStream.makeStream(of: Void.self)
            // The one free connection is busy with a slow transaction…
            let busy = Task {
                try await store.transaction { tx in
                    enter.yield()
                    _ = try await tx.rows("SELECT pg_sleep(0.5)")
                }
            }
            await entered.first { _ in true }
            // …so this caller waits for it, and is cancelled while it waits.
            let caller = Task {
                try await store.transaction { tx in
                    _ = try await tx.rows("INSERT INTO \(unescaped: table) VALUES (1)")
                    _ = try await tx.rows("INSERT INTO \(unescaped: table) VALUES (2)")
                }
            }
            caller.cancel()
            try await busy.value
            let outcome = await caller.result
            let rows = try await store.rows("SELECT n FROM \(unescaped: table) ORDER BY n").map { try $0.decode(Int.self) }
            switch outcome {
            case .success: #expect(rows == [1, 2])
            case .failure: #expect(rows.isEmpty)
            }
            #expect(try await store.currentRevision() >= 0, "the connection serves the next call")
        }
    }
}
