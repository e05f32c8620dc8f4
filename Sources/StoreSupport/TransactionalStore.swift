import DesiredState
import Foundation

/// A backend that opens `StoreTransaction`s. Every transactional operation of `Store` is written
/// once here, over that protocol; a backend implements `withStoreTransaction` (its dialect,
/// locking and error mapping) and the reads, and inherits the writes.
///
/// Each operation runs in one transaction and re-reads what it returns inside it, so the caller
/// sees the committed row (revision included).
public protocol TransactionalStore: Sendable {
    /// Runs `body` in one transaction: committed on return, rolled back on throw, backend errors
    /// mapped to `StoreError`.
    func withStoreTransaction<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T
}

extension TransactionalStore {
    // MARK: Engines

    public func createEngine(_ engine: NewEngine, maxEngines: Int?, now: Date) async throws -> EngineRecord {
        try await withStoreTransaction { tx in
            try await StoreLogic.createEngine(tx, engine, maxEngines: maxEngines, now: now)
            return try await tx.engine(id: engine.id, lock: false).orThrow(.engineNotFound)
        }
    }

    public func updateSpec(engineID: UUID, spec: EngineSpec, expectedGeneration: Int64?, now: Date) async throws -> EngineRecord {
        try await withStoreTransaction { tx in
            try await StoreLogic.updateSpec(tx, engineID: engineID, spec: spec, expectedGeneration: expectedGeneration, now: now)
            return try await tx.engine(id: engineID, lock: false).orThrow(.engineNotFound)
        }
    }

    public func markForDeletion(engineID: UUID, now: Date) async throws -> EngineRecord {
        try await withStoreTransaction { tx in
            try await StoreLogic.markForDeletion(tx, engineID: engineID, now: now)
            return try await tx.engine(id: engineID, lock: false).orThrow(.engineNotFound)
        }
    }

    public func deleteEngine(engineID: UUID) async throws {
        try await withStoreTransaction { tx in try await StoreLogic.deleteEngine(tx, engineID: engineID) }
    }

    /// A dry run applies inside the transaction, then rolls it back, returning the outcomes.
    public func apply(_ batch: ApplyBatch, dryRun: Bool, keyVersion: Int, now: Date) async throws -> [ApplyOutcome] {
        do {
            return try await withStoreTransaction { tx in
                let outcomes = try await StoreLogic.apply(tx, batch, keyVersion: keyVersion, now: now)
                if dryRun { throw DryRunRollback(outcomes: outcomes) }
                return outcomes
            }
        } catch let rollback as DryRunRollback {
            return rollback.outcomes
        }
    }

    public func writeStatuses(_ writes: [StatusWrite]) async throws {
        guard !writes.isEmpty else { return }
        try await withStoreTransaction { tx in try await StoreLogic.writeStatuses(tx, writes) }
    }

    @discardableResult
    public func writeStatus(engineID: UUID, status: EngineStatus) async throws -> EngineRecord? {
        try await withStoreTransaction { tx in
            guard try await StoreLogic.writeStatus(tx, engineID: engineID, status: status) else { return nil }
            return try await tx.engine(id: engineID, lock: false)
        }
    }

    // MARK: Products

    /// Validates, then inserts. `.productSlugExists` when a live product has the slug.
    public func createProduct(_ product: Product) async throws -> Product {
        try StoreLogic.validate(product)
        try await withStoreTransaction { tx in try await tx.insertProduct(product) }
        return product
    }

    public func updatePolicy(productID: UUID, policy: Policy) async throws -> Product {
        try await withStoreTransaction { tx in try await StoreLogic.updatePolicy(tx, productID: productID, policy: policy) }
    }

    public func rotatePlatformKey(productID: UUID, newHash: String) async throws -> Product {
        try await withStoreTransaction { tx in try await StoreLogic.rotatePlatformKey(tx, productID: productID, newHash: newHash) }
    }

    public func deleteProduct(id: UUID, now: Date) async throws -> Int {
        try await withStoreTransaction { tx in try await StoreLogic.deleteProduct(tx, id: id, now: now) }
    }
}
