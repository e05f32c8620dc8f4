import DesiredState
import Foundation

/// The semantics both stores share, written once over `StoreTransaction`. Each function runs
/// inside one open transaction and ends with `record`, so the caller re-reads what it returns.
package enum StoreLogic {
    /// Inserts under quota. The product row is locked first, so concurrent creates for one
    /// product count and insert one after the other and can never exceed `maxEngines`.
    package static func createEngine(_ tx: some StoreTransaction, _ new: NewEngine, maxEngines: Int?, now: Date) async throws {
        try validate(new.userID, new.spec)
        _ = try await tx.requireLiveProduct(id: new.productID, lock: true)
        if try await tx.liveEngine(productID: new.productID, userID: new.userID, lock: false) != nil {
            throw StoreError(.engineAlreadyExists)
        }
        let record = newEngine(id: new.id, productID: new.productID, userID: new.userID, spec: new.spec, keyVersion: new.keyVersion, now: now)
        try await tx.record([try await insertUnderQuota(tx, record, maxEngines: maxEngines)])
    }

    /// Inserts `record` unless the product already has `maxEngines` live engines. The caller
    /// holds the product row lock, so concurrent inserts count one after the other.
    package static func insertUnderQuota(
        _ tx: some StoreTransaction, _ record: EngineRecord, maxEngines: Int?, detail: String = ""
    ) async throws -> PendingChange {
        if let maxEngines, try await tx.countLiveEngines(productID: record.productID) >= maxEngines {
            throw StoreError(.quotaExceeded(limit: maxEngines), detail: detail)
        }
        try await tx.insertEngine(record)
        return change(record, .created)
    }

    /// A new engine at generation 1 with an empty status.
    package static func newEngine(id: UUID, productID: UUID, userID: String, spec: EngineSpec, keyVersion: Int, now: Date) -> EngineRecord {
        EngineRecord(
            id: id, productID: productID, userID: userID, spec: spec, generation: 1,
            keyVersion: keyVersion, deletionRequestedAt: nil, createdAt: now, specChangedAt: now,
            lastActivityAt: nil, status: EngineStatus(), revision: 0
        )
    }

    /// Replaces the spec; bumps generation only when it differs. Returns whether it changed.
    @discardableResult
    package static func updateSpec(_ tx: some StoreTransaction, engineID: UUID, spec: EngineSpec, expectedGeneration: Int64?, now: Date) async throws -> Bool {
        do { try spec.validate() } catch { throw StoreError(.invalid(error)) }
        guard let engine = try await tx.engine(id: engineID, lock: true), !engine.isMarkedForDeletion else {
            throw StoreError(.engineNotFound)
        }
        if let expectedGeneration, expectedGeneration != engine.generation {
            throw StoreError(.generationConflict(current: engine.generation))
        }
        guard engine.spec != spec else { return false }
        try await tx.record([try await replaceSpec(tx, engine, spec, now: now)])
        return true
    }

    /// Writes a different `spec` (a valid successor of the current one), bumping generation.
    package static func replaceSpec(
        _ tx: some StoreTransaction, _ engine: EngineRecord, _ spec: EngineSpec, now: Date, detail: String = ""
    ) async throws -> PendingChange {
        var engine = engine
        do { try engine.spec.validateSuccessor(spec) } catch { throw StoreError(.invalid(error), detail: detail) }
        engine.spec = spec
        engine.generation += 1
        engine.specChangedAt = now
        try await tx.updateEngineSpec(engine)
        return change(engine, .spec)
    }

    /// Sets the deletion mark once (bumping generation); a second call changes nothing.
    package static func markForDeletion(_ tx: some StoreTransaction, engineID: UUID, now: Date) async throws {
        guard let engine = try await tx.engine(id: engineID, lock: true) else { throw StoreError(.engineNotFound) }
        guard !engine.isMarkedForDeletion else { return }
        try await tx.record([try await mark(tx, engine, now: now)])
    }

    package static func updatePolicy(_ tx: some StoreTransaction, productID: UUID, policy: Policy) async throws -> Product {
        var product = try await tx.requireLiveProduct(id: productID, lock: true)
        product.policy = policy
        product.generation += 1
        try validate(product)
        try await tx.updateProduct(product)
        return product
    }

    package static func rotatePlatformKey(_ tx: some StoreTransaction, productID: UUID, newHash: String) async throws -> Product {
        var product = try await tx.requireLiveProduct(id: productID, lock: true)
        product.apiKeyHash = newHash
        product.generation += 1
        try await tx.updateProduct(product)
        return product
    }

    /// Marks the product deleted (its key stops authenticating) and all its engines for deletion.
    package static func deleteProduct(_ tx: some StoreTransaction, id: UUID, now: Date) async throws -> Int {
        guard try await tx.markProductDeleted(id: id, now: now) else { throw StoreError(.productNotFound) }
        var changes: [PendingChange] = []
        for engine in try await tx.liveEngines(productID: id) {
            changes.append(try await mark(tx, engine, now: now))
        }
        try await tx.record(changes)
        return changes.count
    }

    /// Writes status (never generation). Skips the write, and the revision, when nothing
    /// changed. Returns whether the engine exists.
    package static func writeStatus(_ tx: some StoreTransaction, engineID: UUID, status: EngineStatus) async throws -> Bool {
        try await writeStatuses(tx, [StatusWrite(engineID: engineID, status: status)]).contains(engineID)
    }

    /// `writeStatus` for many engines at once: one lock pass, one UPDATE, one `record`.
    /// Returns the ids that exist.
    @discardableResult
    package static func writeStatuses(_ tx: some StoreTransaction, _ writes: [StatusWrite]) async throws -> Set<UUID> {
        var latest: [UUID: EngineStatus] = [:]
        var order: [UUID] = []
        for write in writes {
            if latest.updateValue(write.status, forKey: write.engineID) == nil { order.append(write.engineID) }
        }
        let current = Dictionary(uniqueKeysWithValues: try await tx.engines(ids: order, lock: true).map { ($0.id, $0) })
        var changed: [StatusWrite] = []
        var changes: [PendingChange] = []
        for id in order {
            guard let engine = current[id], let status = latest[id], engine.status != status else { continue }
            changed.append(StatusWrite(engineID: id, status: status))
            changes.append(change(engine, .status))
        }
        if !changed.isEmpty {
            try await tx.updateEngineStatuses(changed)
            try await tx.record(changes)
        }
        return Set(current.keys)
    }

    package static func deleteEngine(_ tx: some StoreTransaction, engineID: UUID) async throws {
        guard let engine = try await tx.deleteEngine(id: engineID) else { return }
        try await tx.record([change(engine, .deleted)])
    }

    package static func mark(_ tx: some StoreTransaction, _ engine: EngineRecord, now: Date) async throws -> PendingChange {
        var engine = engine
        engine.deletionRequestedAt = now
        engine.generation += 1
        engine.specChangedAt = now
        try await tx.updateEngineSpec(engine)
        return change(engine, .spec)
    }

    package static func change(_ engine: EngineRecord, _ kind: ChangeKind) -> PendingChange {
        PendingChange(engineID: engine.id, productID: engine.productID, userID: engine.userID, kind: kind)
    }

    package static func validate(_ userID: String, _ spec: EngineSpec) throws {
        do {
            try Identifiers.validateUserID(userID)
            try spec.validate()
        } catch {
            throw StoreError(.invalid(error))
        }
    }

    package static func validate(_ product: Product) throws {
        do {
            try Identifiers.validateSlug(product.slug)
            try Identifiers.validateDisplayName(product.displayName)
        } catch {
            throw StoreError(.invalid(error))
        }
        do { try product.policy.validate() } catch { throw StoreError(.invalid(error.nested(under: "policy"))) }
    }
}
