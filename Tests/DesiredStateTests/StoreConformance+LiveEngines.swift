import DesiredState
import Foundation
import Testing
import TestSupport

extension StoreConformance {
    /// The legacy API's view after a DELETE: the terminating row is out of a live-only list (and
    /// its total), a re-provisioned row of the same user is in it, and the default list (the
    /// `/v1` and controller view) still shows both.
    @Test("a live-only list leaves out engines marked for deletion, paging and total included", arguments: StoreKind.allCases)
    func liveOnlyList(kind: StoreKind) async throws {
        try await StoreFactory.withStore(kind) { store in
            let demo = try await Self.product(store)
            let old = try await Self.engine(store, demo, "alice")
            _ = try await Self.engine(store, demo, "bob")
            _ = try await store.markForDeletion(engineID: old.id, now: Self.t0)
            let new = try await Self.engine(store, demo, "alice")
            #expect(new.id != old.id)

            var live = EngineQuery(productID: demo.id)
            live.includeMarkedForDeletion = false
            let livePage = try await store.listEngines(live)
            #expect(livePage.total == 2)
            #expect(livePage.engines.map(\.userID) == ["bob", "alice"] && livePage.engines.last?.id == new.id)
            #expect(livePage.engines.allSatisfy { !$0.isMarkedForDeletion })
            live.limit = 1
            live.offset = 1
            let second = try await store.listEngines(live)
            #expect(second.total == 2 && second.engines.map(\.id) == [new.id])

            let all = try await store.listEngines(EngineQuery(productID: demo.id))
            #expect(all.total == 3 && all.engines.contains { $0.id == old.id && $0.isMarkedForDeletion })
            #expect(try await store.engine(productID: demo.id, userID: "alice")?.id == new.id)
        }
    }
}
