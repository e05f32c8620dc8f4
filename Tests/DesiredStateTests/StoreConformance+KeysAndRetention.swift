import DesiredState
import Foundation
import Testing
import TestSupport

/// Issue #10: engine keys never come back (item 4), retention of the change and audit logs
/// (item 9), on both stores.
extension StoreConformance {
    static let keys = EngineKeyDeriver(keyring: try! MasterKeyring(parsing: String(repeating: "m", count: 32)))  // 32 bytes: cannot fail

    @Test("new engines get key scheme 2: the same user's next engine derives a different key", arguments: StoreKind.allCases)
    func keySchemeNewIncarnation(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let demo = try await Self.product(store)
            let first = try await Self.engine(store, demo, "alice")
            #expect(first.keyScheme == 2)
            #expect(try await store.engine(id: first.id)?.keyScheme == 2)
            #expect(try await store.engineSummaries().first?.keyScheme == 2)
            _ = try await store.markForDeletion(engineID: first.id, now: Self.t0)
            try await store.deleteEngine(engineID: first.id)
            let second = try await Self.engine(store, demo, "alice")
            #expect(second.spec.keyGeneration == first.spec.keyGeneration)
            let (old, new) = (try #require(Self.keys.key(for: first)), try #require(Self.keys.key(for: second)))
            #expect(old != new, "a destroyed engine's key must not open the same user's next engine")
            // A fleet apply creating the engine takes the same scheme.
            let outcomes = try await store.apply(
                ApplyBatch(engines: [EngineUpsert(productSlug: "demo", userID: "bob", spec: EngineSpec())]), dryRun: false, keyVersion: 1, now: Self.t0
            )
            #expect(outcomes.map(\.result) == [.created])
            #expect(try await store.engine(productID: demo.id, userID: "bob")?.keyScheme == 2)
        }
    }

    @Test("key_generation never goes down: updateSpec and apply refuse a lower one with a validation error; equal or higher is fine", arguments: StoreKind.allCases)
    func keyGenerationMonotonic(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let demo = try await Self.product(store)
            let engine = try await Self.engine(store, demo, "alice")
            let rotated = try await store.updateSpec(engineID: engine.id, spec: EngineSpec(keyGeneration: 3), expectedGeneration: nil, now: Self.t0)
            #expect(rotated.spec.keyGeneration == 3)
            await #expect {
                _ = try await store.updateSpec(engineID: engine.id, spec: EngineSpec(keyGeneration: 2), expectedGeneration: nil, now: Self.t0)
            } throws: { error in
                guard case .invalid(let validation) = (error as? StoreError)?.code else { return false }
                return validation.field == "key_generation"
            }
            await #expect {
                _ = try await store.apply(
                    ApplyBatch(engines: [EngineUpsert(productSlug: "demo", userID: "alice", spec: EngineSpec(state: .asleep, keyGeneration: 1))]),
                    dryRun: false, keyVersion: 1, now: Self.t0
                )
            } throws: { error in
                guard case .invalid(let validation) = (error as? StoreError)?.code else { return false }
                return validation.field == "key_generation"
            }
            let after = try #require(try await store.engine(id: engine.id))
            #expect(after.spec.keyGeneration == 3 && after.spec.state == .awake && after.generation == rotated.generation)
            let slept = try await store.updateSpec(engineID: engine.id, spec: EngineSpec(state: .asleep, keyGeneration: 3), expectedGeneration: nil, now: Self.t0)
            #expect(slept.spec.state == .asleep)
            #expect(try await store.updateSpec(engineID: engine.id, spec: EngineSpec(state: .asleep, keyGeneration: 4), expectedGeneration: nil, now: Self.t0).spec.keyGeneration == 4)
        }
    }

    @Test("compaction keeps the newest revisions; changes(since:) before them throws compacted, after them reads on", arguments: StoreKind.allCases)
    func changeLogCompaction(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let retention = try #require(store as? any StoreRetention)
            let demo = try await Self.product(store)
            for i in 0..<10 { _ = try await Self.engine(store, demo, "u\(i)") }
            #expect(try await retention.compactedThrough() == 0)
            #expect(try await store.changes(since: 0, limit: 100).count == 10)
            let through = try await retention.compactChanges(keepingLast: 4)
            #expect(through == 6)
            #expect(try await retention.compactedThrough() == 6)
            await #expect(throws: StoreError(.compacted(through: 6))) { _ = try await store.changes(since: 0, limit: 100) }
            await #expect(throws: StoreError(.compacted(through: 6))) { _ = try await store.changes(since: 5, limit: 100) }
            #expect(try await store.changes(since: 6, limit: 100).map(\.revision) == [7, 8, 9, 10])
            #expect(try await store.changes(since: 10, limit: 100).isEmpty)
            // Never moves back; new writes keep their revisions.
            #expect(try await retention.compactChanges(keepingLast: 100) == 6)
            _ = try await Self.engine(store, demo, "late")
            #expect(try await store.changes(since: 8, limit: 100).map(\.revision) == [9, 10, 11])
        }
    }

    @Test("audit pruning deletes rows older than the cutoff and keeps the newest restart_breaker row", arguments: StoreKind.allCases)
    func auditPruning(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let retention = try #require(store as? any StoreRetention)
            let old = Self.t0.addingTimeInterval(-100 * 86_400)
            try await store.appendAudit([
                AuditEntry(timestamp: old, action: .provision, actor: "a"),
                AuditEntry(timestamp: old, action: .restartBreaker, metadata: ["state": "open"]),
                AuditEntry(timestamp: old.addingTimeInterval(1), action: .destroy, actor: "a"),
                AuditEntry(timestamp: Self.t0, action: .wake, actor: "a"),
            ])
            let deleted = try await retention.pruneAudit(before: Self.t0.addingTimeInterval(-90 * 86_400))
            #expect(deleted == 2)
            let left = try await store.audit(AuditQuery(limit: 100)).map(\.action)
            #expect(left == [.wake, .restartBreaker])
            #expect(try await retention.pruneAudit(before: Self.t0.addingTimeInterval(-90 * 86_400)) == 0)
        }
    }
}
