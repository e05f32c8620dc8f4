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
        if let maxEngines, try await tx.countLiveEngines(productID: new.productID) >= maxEngines {
            throw StoreError(.quotaExceeded(limit: maxEngines))
        }
        let record = EngineRecord(
            id: new.id, productID: new.productID, userID: new.userID, spec: new.spec, generation: 1,
            keyVersion: new.keyVersion, deletionRequestedAt: nil, createdAt: now, specChangedAt: now,
            lastActivityAt: nil, status: EngineStatus(), revision: 0
        )
        try await tx.insertEngine(record)
        try await tx.record([change(record, .created)])
    }

    /// Replaces the spec; bumps generation only when it differs. Returns whether it changed.
    @discardableResult
    package static func updateSpec(_ tx: some StoreTransaction, engineID: UUID, spec: EngineSpec, expectedGeneration: Int64?, now: Date) async throws -> Bool {
        do { try spec.validate() } catch { throw StoreError(.invalid(error)) }
        guard var engine = try await tx.engine(id: engineID, lock: true), !engine.isMarkedForDeletion else {
            throw StoreError(.engineNotFound)
        }
        if let expectedGeneration, expectedGeneration != engine.generation {
            throw StoreError(.generationConflict(current: engine.generation))
        }
        guard engine.spec != spec else { return false }
        do { try engine.spec.validateSuccessor(spec) } catch { throw StoreError(.invalid(error)) }
        engine.spec = spec
        engine.generation += 1
        engine.specChangedAt = now
        try await tx.updateEngineSpec(engine)
        try await tx.record([change(engine, .spec)])
        return true
    }

    /// Sets the deletion mark once (bumping generation); a second call changes nothing.
    package static func markForDeletion(_ tx: some StoreTransaction, engineID: UUID, now: Date) async throws {
        guard let engine = try await tx.engine(id: engineID, lock: true) else { throw StoreError(.engineNotFound) }
        guard !engine.isMarkedForDeletion else { return }
        try await tx.record([try await mark(tx, engine, now: now)])
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
