import DesiredState
import Foundation

/// One `InMemoryStore` transaction: a private copy of the state, installed by the store on
/// commit. Uniqueness is checked as the databases' unique indexes do it (a live product's slug,
/// a live engine's product and user, ids).
final class InMemoryTransaction: StoreTransaction {
    var state: InMemoryState
    /// The last revision `record` assigned, published to waiters after commit.
    private(set) var lastRevision: Int64?

    init(_ state: InMemoryState) {
        self.state = state
    }

    func liveProduct(id: UUID, lock: Bool) async throws -> Product? { state.liveProduct { $0.id == id } }
    func liveProduct(slug: String, lock: Bool) async throws -> Product? { state.liveProduct { $0.slug == slug } }

    func insertProduct(_ product: Product) async throws {
        guard state.liveProduct(where: { $0.slug == product.slug }) == nil, !state.products.contains(where: { $0.id == product.id }) else {
            throw StoreError(.productSlugExists)
        }
        state.products.append(product)
    }

    func updateProduct(_ product: Product) async throws {
        guard let index = state.products.firstIndex(where: { $0.id == product.id }) else { return }
        state.products[index].displayName = product.displayName
        state.products[index].apiKeyHash = product.apiKeyHash
        state.products[index].policy = product.policy
        state.products[index].generation = product.generation
    }

    func markProductDeleted(id: UUID, now: Date) async throws -> Bool {
        guard let index = state.products.firstIndex(where: { $0.id == id }), state.deletedProducts[id] == nil else { return false }
        state.deletedProducts[id] = now
        state.products[index].generation += 1
        return true
    }

    func engine(id: UUID, lock: Bool) async throws -> EngineRecord? { state.engines.first { $0.id == id } }

    func liveEngine(productID: UUID, userID: String, lock: Bool) async throws -> EngineRecord? {
        state.engines.first { $0.productID == productID && $0.userID == userID && !$0.isMarkedForDeletion }
    }

    func countLiveEngines(productID: UUID) async throws -> Int {
        state.engines.count { $0.productID == productID && !$0.isMarkedForDeletion }
    }

    func liveEngines(productID: UUID) async throws -> [EngineRecord] {
        state.engines.filter { $0.productID == productID && !$0.isMarkedForDeletion }
    }

    func insertEngine(_ engine: EngineRecord) async throws {
        let clash = state.engines.contains { other in
            other.id == engine.id
                || (other.productID == engine.productID && other.userID == engine.userID
                    && !other.isMarkedForDeletion && !engine.isMarkedForDeletion)
        }
        if clash { throw StoreError(.engineAlreadyExists) }
        state.engines.append(engine)
    }

    func updateEngineSpec(_ engine: EngineRecord) async throws {
        update(engine.id) { row in
            row.spec = engine.spec
            row.generation = engine.generation
            row.specChangedAt = engine.specChangedAt
            row.deletionRequestedAt = engine.deletionRequestedAt
        }
    }

    func updateEngineStatuses(_ writes: [StatusWrite]) async throws {
        for write in writes { update(write.engineID) { $0.status = write.status } }
    }

    func deleteEngine(id: UUID) async throws -> EngineRecord? {
        guard let index = state.engines.firstIndex(where: { $0.id == id }) else { return nil }
        return state.engines.remove(at: index)
    }

    func record(_ changes: [PendingChange]) async throws {
        guard !changes.isEmpty else { return }
        for change in changes {
            state.revision += 1
            let revision = state.revision
            state.changes.append(Change(
                revision: revision, engineID: change.engineID, productID: change.productID, userID: change.userID, kind: change.kind
            ))
            update(change.engineID) { $0.revision = revision }
        }
        lastRevision = state.revision
    }

    private func update(_ id: UUID, _ body: (inout EngineRecord) -> Void) {
        guard let index = state.engines.firstIndex(where: { $0.id == id }) else { return }
        body(&state.engines[index])
    }
}
