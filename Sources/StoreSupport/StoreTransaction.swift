import DesiredState
import Foundation

/// A change to record at the end of a writing transaction: the store gives it the next global
/// revision, appends it to the change log and stamps the engine row.
public struct PendingChange: Sendable, Equatable {
    public var engineID: UUID
    public var productID: UUID
    public var userID: String
    public var kind: ChangeKind
}

/// One open transaction of a backend: the primitive reads and writes that `StoreLogic` composes,
/// so both stores share one set of semantics (quota, generations, deletion, apply).
///
/// Lock order (Postgres): product row, then engine rows, then — last, in `record` — the
/// revision counter row. Nothing is locked after the counter, so writers cannot deadlock, and
/// since the counter row is held until commit, revisions commit in order (gap-free).
public protocol StoreTransaction {
    /// A product not marked deleted. `lock`: hold its row until commit (`FOR UPDATE`).
    func liveProduct(id: UUID, lock: Bool) async throws -> Product?
    func liveProduct(slug: String, lock: Bool) async throws -> Product?
    func insertProduct(_ product: Product) async throws
    /// Writes display name, policy, key hash and generation.
    func updateProduct(_ product: Product) async throws
    /// Sets the deleted mark. False when absent or already deleted.
    func markProductDeleted(id: UUID, now: Date) async throws -> Bool

    func engine(id: UUID, lock: Bool) async throws -> EngineRecord?
    /// The engines among `ids` that exist, locked in id order when `lock` (so two batches can
    /// never wait on each other in a cycle).
    func engines(ids: [UUID], lock: Bool) async throws -> [EngineRecord]
    /// The engine of this user not marked for deletion.
    func liveEngine(productID: UUID, userID: String, lock: Bool) async throws -> EngineRecord?
    /// Engines of the product not marked for deletion (what `max_engines` counts).
    func countLiveEngines(productID: UUID) async throws -> Int
    /// Engines of the product not marked for deletion, oldest first.
    func liveEngines(productID: UUID) async throws -> [EngineRecord]
    func insertEngine(_ engine: EngineRecord) async throws
    /// Writes spec, generation, spec-changed time and deletion mark.
    func updateEngineSpec(_ engine: EngineRecord) async throws
    func updateEngineStatuses(_ writes: [StatusWrite]) async throws
    /// Removes the row; returns it if it was there.
    func deleteEngine(id: UUID) async throws -> EngineRecord?

    /// Gives each change the next revision (in order), appends it to the change log, stamps the
    /// engine rows and (Postgres) queues a NOTIFY. Call it last in the transaction.
    func record(_ changes: [PendingChange]) async throws
}

extension StoreTransaction {
    /// One statement per engine; a backend with a set-based form overrides it.
    package func engines(ids: [UUID], lock: Bool) async throws -> [EngineRecord] {
        var found: [EngineRecord] = []
        for id in ids.sorted(by: { $0.uuidString < $1.uuidString }) {
            if let engine = try await engine(id: id, lock: lock) { found.append(engine) }
        }
        return found
    }

    package func requireLiveProduct(id: UUID, lock: Bool) async throws -> Product {
        guard let product = try await liveProduct(id: id, lock: lock) else { throw StoreError(.productNotFound) }
        return product
    }
}
