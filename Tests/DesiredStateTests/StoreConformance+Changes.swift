import DesiredState
import Foundation
import Testing
import TestSupport

extension StoreConformance {
    @Test("every change takes the next revision: monotonic and gap-free", arguments: StoreKind.allCases)
    func revisions(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            #expect(try await store.currentRevision() == 0)
            let demo = try await Self.product(store)
            let a = try await Self.engine(store, demo, "a")
            let b = try await Self.engine(store, demo, "b")
            _ = try await store.updateSpec(engineID: a.id, spec: EngineSpec(state: .asleep), expectedGeneration: nil, now: Self.t0)
            try await store.writeStatus(engineID: b.id, status: EngineStatus(phase: .running))
            _ = try await store.markForDeletion(engineID: a.id, now: Self.t0)
            try await store.deleteEngine(engineID: a.id)
            try await store.deleteEngine(engineID: a.id)  // absent: no change

            let changes = try await store.changes(since: 0, limit: 100)
            #expect(changes.map(\.revision) == Array(1...6))
            #expect(changes.map(\.kind) == [.created, .created, .spec, .status, .spec, .deleted])
            #expect(changes.map(\.engineID) == [a.id, b.id, a.id, b.id, a.id, a.id])
            #expect(try await store.currentRevision() == 6)
            #expect(try await store.changes(since: 4, limit: 1).map(\.revision) == [5])
            #expect(try await store.engine(id: b.id)?.revision == 4)

            var seen: [Int64] = []
            for i in 0..<30 {
                _ = try await Self.engine(store, demo, "more-\(i)")
                seen.append(try await store.currentRevision())
            }
            #expect(seen == Array(7...36))
        }
    }

    @Test("a batch of status writes is one transaction: absent and unchanged skipped, last wins, consecutive revisions", arguments: StoreKind.allCases)
    func statusBatch(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let demo = try await Self.product(store)
            let a = try await Self.engine(store, demo, "a")
            let b = try await Self.engine(store, demo, "b")
            let c = try await Self.engine(store, demo, "c")
            let before = try await store.currentRevision()
            let running = EngineStatus(phase: .running)
            try await store.writeStatuses([
                StatusWrite(engineID: b.id, status: EngineStatus(phase: .failed)),
                StatusWrite(engineID: UUID(), status: running),  // absent: skipped
                StatusWrite(engineID: a.id, status: running),
                StatusWrite(engineID: c.id, status: c.status),  // unchanged: no revision
                StatusWrite(engineID: b.id, status: running),  // b again: the last wins
            ])
            let changes = try await store.changes(since: before, limit: 10)
            #expect(changes.map(\.revision) == [before + 1, before + 2])
            #expect(changes.map(\.engineID) == [b.id, a.id], "in the order given, each engine once")
            #expect(changes.allSatisfy { $0.kind == .status })
            #expect(try await store.engine(id: a.id)?.status == running)
            #expect(try await store.engine(id: b.id)?.status == running)
            #expect(try await store.engine(id: c.id)?.revision == c.revision)
            #expect(try await store.engine(id: b.id)?.generation == b.generation, "status never bumps generation")
            try await store.writeStatuses([])
            #expect(try await store.currentRevision() == before + 2)
        }
    }

    @Test("engine summaries carry what a resync compares, for every row, equal to the full records", arguments: StoreKind.allCases)
    func summaries(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let demo = try await Self.product(store)
            let a = try await Self.engine(store, demo, "a")
            let b = try await Self.engine(store, demo, "b ✓")
            _ = try await store.updateSpec(engineID: b.id, spec: EngineSpec(state: .asleep, keyGeneration: 3, image: "pinned:2"), expectedGeneration: nil, now: Self.t0)
            var status = EngineStatus(phase: .running, observedGeneration: 1, url: "http://127.0.0.1:9001", runtimeID: "abc123")
            status.conditions.set(.ready, .true, reason: .engineHealthy, message: "ok", now: Self.t0)
            status.conditions.set(.progressing, .false, reason: .converged, message: "", now: Self.t0)
            _ = try await store.writeStatus(engineID: a.id, status: status)
            let c = try await Self.engine(store, demo, "c")
            _ = try await store.markForDeletion(engineID: c.id, now: Self.t0)

            let summaries = try await store.engineSummaries()
            #expect(summaries.map(\.id) == [a.id, b.id, c.id], "every row, deletion-marked included, in creation order")
            for summary in summaries {
                let record = try #require(try await store.engine(id: summary.id))
                #expect(summary == EngineSummary(record))
            }
            #expect(summaries[0].ready && summaries[0].runtimeID == "abc123" && summaries[0].phase == .running && summaries[0].observedGeneration == 1)
            #expect(summaries[1].spec == EngineSpec(state: .asleep, keyGeneration: 3, image: "pinned:2") && !summaries[1].ready)
            #expect(summaries[2].markedForDeletion)
        }
    }

    @Test("waitForChange returns as soon as a change commits, or at the timeout", arguments: StoreKind.allCases)
    func waitForChange(kind: StoreKind) async throws {
        try await StoreFactory.withStores(kind, count: 2) { stores in
            let (watcher, writer) = (stores[0], stores[1])
            let demo = try await Self.product(writer)
            let clock = ContinuousClock()
            var started = clock.now
            #expect(try await watcher.waitForChange(after: 0, timeout: .milliseconds(300)) == 0)
            #expect(started.duration(to: clock.now) >= .milliseconds(250))

            // Let the LISTEN connection settle, then measure the wake-up.
            try await Task.sleep(for: .milliseconds(100))
            var latencies: [Duration] = []
            for i in 0..<5 {
                let before = try await watcher.currentRevision()
                async let woke = { () async throws -> (Int64, ContinuousClock.Instant) in
                    (try await watcher.waitForChange(after: before, timeout: .seconds(5)), clock.now)
                }()
                try await Task.sleep(for: .milliseconds(50))
                _ = try await Self.engine(writer, demo, "w\(i)")
                let committed = clock.now
                let (revision, wokeAt) = try await woke
                #expect(revision == before + 1)
                // From the writer seeing its COMMIT succeed to the watcher waking (may be < 0).
                latencies.append(committed.duration(to: wokeAt))
            }
            print("waitForChange wake-up after commit [\(kind)]: \(latencies)")
            #expect(latencies.allSatisfy { $0 < .milliseconds(900) })
            #expect(try await watcher.waitForChange(after: 2, timeout: .seconds(5)) == 5)
        }
    }

    @Test("audit: append-only, newest first, filtered by product, user, action and time", arguments: StoreKind.allCases)
    func audit(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let (p1, p2, engine) = (UUID(), UUID(), UUID())
            let entries = [
                AuditEntry(timestamp: Self.t0, productID: p1, userID: "alice", engineID: engine, action: .provision, actor: "demo", durationMs: 412),
                AuditEntry(timestamp: Self.t0.addingTimeInterval(10), productID: p1, userID: "alice", action: .stop, metadata: ["reason": "idle"]),
                AuditEntry(timestamp: Self.t0.addingTimeInterval(20), productID: p1, userID: "bob", action: .provision),
                AuditEntry(timestamp: Self.t0.addingTimeInterval(30), productID: p2, action: .policyUpdate, actor: "admin"),
                AuditEntry(timestamp: Self.t0.addingTimeInterval(40), action: .garbageCollect),
            ]
            try await store.appendAudit(entries)
            let all = try await store.audit(AuditQuery())
            #expect(all.count == 5 && all.map(\.action) == [.garbageCollect, .policyUpdate, .provision, .stop, .provision])
            let first = try #require(all.last)
            #expect(first.id != nil && first.engineID == engine && first.durationMs == 412 && first.actor == "demo")
            #expect(abs(first.timestamp.timeIntervalSince(Self.t0)) < 1e-5)
            #expect(all[3].metadata == ["reason": "idle"] && all[0].productID == nil && all[0].actor == "system")

            #expect(try await store.audit(AuditQuery(productID: p1)).count == 3)
            #expect(try await store.audit(AuditQuery(productID: p1, userID: "alice")).map(\.action) == [.stop, .provision])
            #expect(try await store.audit(AuditQuery(action: .provision)).map(\.userID) == ["bob", "alice"])
            #expect(try await store.audit(AuditQuery(engineID: engine)).count == 1)
            let window = AuditQuery(since: Self.t0.addingTimeInterval(10), until: Self.t0.addingTimeInterval(30))
            #expect(try await store.audit(window).map(\.action) == [.provision, .stop])
            #expect(try await store.audit(AuditQuery(limit: 2)).count == 2)
        }
    }

    @Test("apply: one transaction; dry run writes nothing; re-apply is unchanged; prune", arguments: StoreKind.allCases)
    func apply(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let policy = Policy(maxEngines: 3)
            var batch = ApplyBatch(
                products: [ProductUpsert(slug: "fleet", displayName: "Fleet", policy: policy, newKeyHash: "h1")],
                engines: ["a", "b"].map { EngineUpsert(productSlug: "fleet", userID: $0, spec: EngineSpec()) }
            )
            let planned = try await store.apply(batch, dryRun: true, keyVersion: 1, now: Self.t0)
            #expect(planned.map(\.result) == [.created, .created, .created])
            #expect(try await store.product(slug: "fleet") == nil)
            #expect(try await store.currentRevision() == 0)

            #expect(try await store.apply(batch, dryRun: false, keyVersion: 1, now: Self.t0) == planned)
            #expect(try await store.apply(batch, dryRun: false, keyVersion: 1, now: Self.t0).allSatisfy { $0.result == .unchanged })
            let fleet = try #require(try await store.product(slug: "fleet"))
            #expect(fleet.apiKeyHash == "h1")

            batch.engines = [EngineUpsert(productSlug: "fleet", userID: "a", spec: EngineSpec(state: .asleep))]
            batch.pruneProducts = ["fleet"]
            let pruned = try await store.apply(batch, dryRun: false, keyVersion: 1, now: Self.t0)
            #expect(pruned.map(\.result) == [.unchanged, .configured, .pruned] && pruned[2].name == "fleet/b")
            #expect(try await store.engine(productID: fleet.id, userID: "b")?.isMarkedForDeletion == true)

            // Over quota in the middle of a batch: nothing of the batch is written.
            let revision = try await store.currentRevision()
            let tooMany = ApplyBatch(engines: (0..<5).map { EngineUpsert(productSlug: "fleet", userID: "n\($0)", spec: EngineSpec()) })
            await #expect(throws: StoreError.self) { _ = try await store.apply(tooMany, dryRun: false, keyVersion: 1, now: Self.t0) }
            #expect(try await store.currentRevision() == revision)
            #expect(try await store.engine(productID: fleet.id, userID: "n0") == nil)
            let unknown = ApplyBatch(engines: [EngineUpsert(productSlug: "nope", userID: "x", spec: EngineSpec())])
            await #expect { _ = try await store.apply(unknown, dryRun: true, keyVersion: 1, now: Self.t0) } throws: { error in
                (error as? StoreError)?.code == .productNotFound
            }
        }
    }
}
