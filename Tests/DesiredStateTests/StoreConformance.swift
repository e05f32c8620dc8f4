import DesiredState
import Foundation
import Testing
import TestSupport

/// One suite, run against both stores, each test on a fresh database. What it pins down is the
/// `Store` contract every other target codes against.
@Suite("Store conformance")
struct StoreConformance {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000.25)

    static func product(_ store: any Store, slug: String = "demo", maxEngines: Int? = nil) async throws -> Product {
        try await store.createProduct(Product(
            id: UUID(), slug: slug, displayName: "Demo \(slug)", apiKeyHash: SecretHash.sha256Hex("pk-\(slug)"),
            policy: Policy(maxEngines: maxEngines), createdAt: t0
        ))
    }

    static func engine(_ store: any Store, _ product: Product, _ user: String, max: Int? = nil) async throws -> EngineRecord {
        try await store.createEngine(NewEngine(productID: product.id, userID: user, spec: EngineSpec(), keyVersion: 1), maxEngines: max, now: t0)
    }

    @Test("products: create, look up by id, slug and key hash; slugs are unique", arguments: StoreKind.allCases)
    func products(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let demo = try await Self.product(store, maxEngines: 5)
            #expect(try await store.product(id: demo.id) == demo)
            #expect(try await store.product(slug: "demo") == demo)
            #expect(try await store.product(apiKeyHash: SecretHash.sha256Hex("pk-demo")) == demo)
            #expect(try await store.product(apiKeyHash: SecretHash.sha256Hex("other")) == nil)
            await #expect(throws: StoreError(.productSlugExists)) { _ = try await Self.product(store) }

            let updated = try await store.updatePolicy(productID: demo.id, policy: Policy(maxEngines: 7, rateLimitRPM: 60))
            #expect(updated.generation == 2 && updated.policy.maxEngines == 7)
            let rotated = try await store.rotatePlatformKey(productID: demo.id, newHash: SecretHash.sha256Hex("new"))
            #expect(rotated.generation == 3)
            #expect(try await store.product(apiKeyHash: SecretHash.sha256Hex("pk-demo")) == nil)
            #expect(try await store.product(apiKeyHash: SecretHash.sha256Hex("new"))?.id == demo.id)
            #expect(try await store.listProducts().map(\.slug) == ["demo"])
            await #expect(throws: StoreError(.productNotFound)) {
                _ = try await store.updatePolicy(productID: UUID(), policy: Policy())
            }
        }
    }

    @Test("invalid slugs, user ids and policies are rejected with the field named", arguments: StoreKind.allCases)
    func badInput(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let bad = Product(id: UUID(), slug: "Bad Slug", displayName: "x", apiKeyHash: "h", policy: Policy(), createdAt: Self.t0)
            await #expect { _ = try await store.createProduct(bad) } throws: { error in
                guard case .invalid(let v) = (error as? StoreError)?.code else { return false }
                return v.field == "slug"
            }
            let demo = try await Self.product(store)
            for user in ["", String(repeating: "u", count: 257), "a\u{0}b", "line\nbreak"] {
                await #expect { _ = try await Self.engine(store, demo, user) } throws: { error in
                    guard case .invalid(let v) = (error as? StoreError)?.code else { return false }
                    return v.field == "user_id"
                }
            }
            await #expect { _ = try await store.updatePolicy(productID: demo.id, policy: Policy(maxEngines: -1)) } throws: { error in
                guard case .invalid(let v) = (error as? StoreError)?.code else { return false }
                return v.field == "policy.max_engines"
            }
            #expect(try await store.listEngines(EngineQuery()).total == 0)
            #expect(try await store.currentRevision() == 0)
        }
    }

    @Test("generation moves only when the spec changes; status never bumps it", arguments: StoreKind.allCases)
    func generations(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let demo = try await Self.product(store)
            let created = try await Self.engine(store, demo, "alice")
            #expect(created.generation == 1 && created.status.phase == .provisioning && created.createdAt == Self.t0)

            let same = try await store.updateSpec(engineID: created.id, spec: EngineSpec(), expectedGeneration: 1, now: Self.t0)
            #expect(same.generation == 1 && same.revision == created.revision)

            let later = Self.t0.addingTimeInterval(5)
            let asleep = try await store.updateSpec(engineID: created.id, spec: EngineSpec(state: .asleep), expectedGeneration: 1, now: later)
            #expect(asleep.generation == 2 && asleep.specChangedAt == later && asleep.revision > created.revision)

            await #expect(throws: StoreError(.generationConflict(current: 2))) {
                _ = try await store.updateSpec(engineID: created.id, spec: EngineSpec(keyGeneration: 2), expectedGeneration: 1, now: later)
            }
            let rotated = try await store.updateSpec(engineID: created.id, spec: EngineSpec(state: .asleep, keyGeneration: 2), expectedGeneration: nil, now: later)
            #expect(rotated.generation == 3)

            var status = EngineStatus(phase: .running, observedGeneration: 3, url: "http://127.0.0.1:9001", lastHealthAt: later)
            status.conditions.set(.ready, .true, reason: .engineHealthy, message: "Health check passed.", now: later)
            let written = try await store.writeStatus(engineID: created.id, status: status)
            #expect(written?.generation == 3 && written?.status == status)
            #expect(try #require(written).revision > rotated.revision)
            let again = try await store.writeStatus(engineID: created.id, status: status)
            #expect(again?.revision == written?.revision)
            #expect(try await store.writeStatus(engineID: UUID(), status: status) == nil)
            #expect(try await store.engine(id: created.id) == again)
            await #expect(throws: StoreError(.engineNotFound)) {
                _ = try await store.updateSpec(engineID: UUID(), spec: EngineSpec(), expectedGeneration: nil, now: later)
            }
        }
    }

    @Test("deletion: mark, re-provision alongside, delete product, finalize", arguments: StoreKind.allCases)
    func deletion(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let demo = try await Self.product(store, maxEngines: 2)
            let old = try await Self.engine(store, demo, "alice", max: 2)
            await #expect(throws: StoreError(.engineAlreadyExists)) { _ = try await Self.engine(store, demo, "alice", max: 2) }

            let marked = try await store.markForDeletion(engineID: old.id, now: Self.t0)
            #expect(marked.isMarkedForDeletion && marked.generation == 2)
            #expect(try await store.markForDeletion(engineID: old.id, now: Self.t0.addingTimeInterval(9)) == marked)
            await #expect(throws: StoreError(.engineNotFound)) {
                _ = try await store.updateSpec(engineID: old.id, spec: EngineSpec(state: .stopped), expectedGeneration: nil, now: Self.t0)
            }
            // The user is re-provisioned while the old engine is still being destroyed.
            let new = try await Self.engine(store, demo, "alice", max: 2)
            #expect(try await store.engine(productID: demo.id, userID: "alice")?.id == new.id)
            _ = try await Self.engine(store, demo, "bob", max: 2)

            #expect(try await store.deleteProduct(id: demo.id, now: Self.t0) == 2)
            #expect(try await store.product(id: demo.id) == nil)
            #expect(try await store.product(slug: "demo") == nil)
            #expect(try await store.product(apiKeyHash: demo.apiKeyHash) == nil)
            await #expect(throws: StoreError(.productNotFound)) { _ = try await Self.engine(store, demo, "carol") }
            await #expect(throws: StoreError(.productNotFound)) { _ = try await store.deleteProduct(id: demo.id, now: Self.t0) }
            #expect(try await store.finalizeProductDeletions().isEmpty)

            let page = try await store.listEngines(EngineQuery(productID: demo.id))
            #expect(page.total == 3 && page.engines.allSatisfy(\.isMarkedForDeletion))
            for engine in page.engines { try await store.deleteEngine(engineID: engine.id) }
            try await store.deleteEngine(engineID: old.id)
            #expect(try await store.finalizeProductDeletions() == [demo.id])
            #expect(try await store.engineSummaries().isEmpty)
            _ = try await Self.product(store)
        }
    }

    @Test("listing pages in creation order with the total; phases are counted", arguments: StoreKind.allCases)
    func paging(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let demo = try await Self.product(store)
            let other = try await Self.product(store, slug: "other")
            var ids: [UUID] = []
            for i in 0..<25 { ids.append(try await Self.engine(store, demo, "user-\(i)").id) }
            _ = try await Self.engine(store, other, "user-0")
            for id in ids.prefix(4) { try await store.writeStatus(engineID: id, status: EngineStatus(phase: .running)) }

            let last = try await store.listEngines(EngineQuery(productID: demo.id, limit: 10, offset: 20))
            #expect(last.total == 25 && last.engines.map(\.id) == Array(ids[20...]))
            let first = try await store.listEngines(EngineQuery(productID: demo.id, limit: 10))
            #expect(first.engines.map(\.id) == Array(ids[..<10]))
            let beyond = try await store.listEngines(EngineQuery(productID: demo.id, limit: 10, offset: 100))
            #expect(beyond.engines.isEmpty && beyond.total == 25)
            let running = try await store.listEngines(EngineQuery(productID: demo.id, phase: .running))
            #expect(running.total == 4 && running.engines.map(\.id) == Array(ids[..<4]))
            #expect(try await store.listEngines(EngineQuery()).total == 26)
            #expect(try await store.phaseCounts(productID: demo.id) == [.running: 4, .provisioning: 21])
            #expect(try await store.phaseCounts(productID: nil) == [.running: 4, .provisioning: 22])
            #expect(try await store.engineSummaries().count == 26)

            let revision = try await store.currentRevision()
            try await store.recordActivity([ids[0]: Self.t0.addingTimeInterval(60), ids[1]: Self.t0])
            try await store.recordActivity([ids[0]: Self.t0])
            #expect(try await store.engine(id: ids[0])?.lastActivityAt == Self.t0.addingTimeInterval(60))
            #expect(try await store.currentRevision() == revision)
        }
    }
}
