import Controller
import DesiredState
import Foundation
import Logging
import TestSupport
import Testing

/// Issue #10 item 9: the leader's retention pass compacts the change log and prunes the audit
/// log, periodically, on both stores.
@Suite("Retention sweeper")
struct RetentionSweeperTests {
    @Test("run() compacts the change log to the newest revisions and deletes audit rows past the retention", arguments: StoreKind.databases)
    func sweeps(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let retention = try #require(store as? any StoreRetention)
            let now = Date()
            let product = try await store.createProduct(Product(
                id: UUID(), slug: "demo", displayName: "Demo", apiKeyHash: SecretHash.sha256Hex("pk"), policy: Policy(), createdAt: now
            ))
            for i in 0..<20 {
                _ = try await store.createEngine(NewEngine(productID: product.id, userID: "u\(i)", spec: EngineSpec(), keyVersion: 1), maxEngines: nil, now: now)
            }
            try await store.appendAudit([
                AuditEntry(timestamp: now.addingTimeInterval(-3 * 86_400), action: .provision, actor: "demo"),
                AuditEntry(timestamp: now, action: .wake, actor: "demo"),
            ])
            var logger = Logger(label: "bap.test.retention")
            logger.logLevel = .warning
            let sweeper = RetentionSweeper(
                store: retention, keepRevisions: 5, auditRetention: .seconds(2 * 86_400), interval: .milliseconds(100), logger: logger
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await sweeper.run() }
                defer { group.cancelAll() }
                try await eventually(timeout: .seconds(20), "compacted and pruned") {
                    let through = try await retention.compactedThrough()
                    let actions = try await store.audit(AuditQuery(limit: 10)).map(\.action)
                    return through == 15 && actions == [.wake]
                }
                // Later writes are compacted by a later pass: periodic, not once.
                _ = try await store.createEngine(NewEngine(productID: product.id, userID: "late", spec: EngineSpec(), keyVersion: 1), maxEngines: nil, now: now)
                try await eventually(timeout: .seconds(20), "compacted again") { try await retention.compactedThrough() == 16 }
            }
            #expect(try await store.changes(since: 16, limit: 100).count == 5)
        }
    }
}
