import Foundation

/// Writes of desired state: products, engine specs, deletion marks, fleet apply, and the
/// activity stamps that idle-sleep reads. The API's writes; the controller has it only for the
/// idle sleeper (putting idle engines to sleep is a spec change). Never touches status.
public protocol DesiredStateWriter: Sendable {
    /// Throws `.productSlugExists` when the slug is taken.
    func createProduct(_ product: Product) async throws -> Product
    /// Replaces the policy whole and bumps the product generation. `.productNotFound` if absent.
    func updatePolicy(productID: UUID, policy: Policy) async throws -> Product
    /// Replaces the stored platform-key hash. `.productNotFound` if absent.
    func rotatePlatformKey(productID: UUID, newHash: String) async throws -> Product
    /// Marks every engine of the product for deletion and removes the product row once it has
    /// no engines left (the controller calls `finalizeProductDeletions`). Returns how many
    /// engines were marked. `.productNotFound` if absent.
    func deleteProduct(id: UUID, now: Date) async throws -> Int

    /// Inserts an engine if the product is under `maxEngines` (counted in the same
    /// transaction as the insert, so concurrent creates can never exceed it).
    /// Throws `.engineAlreadyExists`, `.quotaExceeded`, `.productNotFound`.
    func createEngine(_ engine: NewEngine, maxEngines: Int?, now: Date) async throws -> EngineRecord
    /// Replaces the spec. `generation` is bumped only if the spec differs. With
    /// `expectedGeneration`, throws `.generationConflict` when it is not current.
    /// `.engineNotFound` if absent or marked for deletion.
    func updateSpec(engineID: UUID, spec: EngineSpec, expectedGeneration: Int64?, now: Date) async throws -> EngineRecord
    /// Sets the deletion mark (bumps generation once; again is a no-op). `.engineNotFound` if absent.
    func markForDeletion(engineID: UUID, now: Date) async throws -> EngineRecord
    /// Records last activity for many engines at once (coalesced by the caller). Does not
    /// bump generation or revision: activity is not a spec or status change.
    func recordActivity(_ activity: [UUID: Date]) async throws

    /// Applies a fleet spec in one transaction: products upserted by slug (policy replaced,
    /// created with `newKeyHash` when new), engines upserted by (slug, user) under quota,
    /// pruned engines marked for deletion. Engines of products not in the batch must belong to
    /// existing products (`.productNotFound` otherwise). With `dryRun` nothing is written but
    /// the outcomes are the same. Any error rolls everything back.
    func apply(_ batch: ApplyBatch, dryRun: Bool, keyVersion: Int, now: Date) async throws -> [ApplyOutcome]
}
