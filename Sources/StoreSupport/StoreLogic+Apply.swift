import DesiredState
import Foundation

extension StoreLogic {
    /// Applies a fleet spec inside one transaction. Products first (so engines of new products
    /// resolve), then engines under quota, then pruning. The caller rolls back on dry run.
    package static func apply(_ tx: some StoreTransaction, _ batch: ApplyBatch, keyVersion: Int, now: Date) async throws -> [ApplyOutcome] {
        var outcomes: [ApplyOutcome] = []
        var changes: [PendingChange] = []
        var products: [String: Product] = [:]

        for upsert in batch.products {
            let (product, result) = try await applyProduct(tx, upsert, now: now)
            products[upsert.slug] = product
            outcomes.append(ApplyOutcome(kind: .product, name: upsert.slug, result: result))
        }

        func product(_ slug: String) async throws -> Product {
            if let known = products[slug] { return known }
            guard let found = try await tx.liveProduct(slug: slug, lock: true) else {
                throw StoreError(.productNotFound, detail: "product '\(slug)'")
            }
            products[slug] = found
            return found
        }

        var listed: [String: Set<String>] = [:]
        for upsert in batch.engines {
            let owner = try await product(upsert.productSlug)
            listed[upsert.productSlug, default: []].insert(upsert.userID)
            let name = "\(upsert.productSlug)/\(upsert.userID)"
            if let engine = try await tx.liveEngine(productID: owner.id, userID: upsert.userID, lock: true) {
                guard engine.spec != upsert.spec else {
                    outcomes.append(ApplyOutcome(kind: .engine, name: name, result: .unchanged))
                    continue
                }
                try validate(upsert.userID, upsert.spec)
                changes.append(try await replaceSpec(tx, engine, upsert.spec, now: now, detail: "engine '\(name)'"))
                outcomes.append(ApplyOutcome(kind: .engine, name: name, result: .configured))
            } else {
                try validate(upsert.userID, upsert.spec)
                let engine = newEngine(id: UUID(), productID: owner.id, userID: upsert.userID, spec: upsert.spec, keyVersion: keyVersion, now: now)
                changes.append(try await insertUnderQuota(tx, engine, maxEngines: owner.policy.maxEngines, detail: "product '\(owner.slug)'"))
                outcomes.append(ApplyOutcome(kind: .engine, name: name, result: .created))
            }
        }

        for slug in batch.pruneProducts {
            let owner = try await product(slug)
            let keep = listed[slug] ?? []
            for engine in try await tx.liveEngines(productID: owner.id) where !keep.contains(engine.userID) {
                changes.append(try await mark(tx, engine, now: now))
                outcomes.append(ApplyOutcome(kind: .engine, name: "\(slug)/\(engine.userID)", result: .pruned))
            }
        }
        try await tx.record(changes)
        return outcomes
    }

    private static func applyProduct(_ tx: some StoreTransaction, _ upsert: ProductUpsert, now: Date) async throws -> (Product, ApplyOutcome.Result) {
        if var existing = try await tx.liveProduct(slug: upsert.slug, lock: true) {
            guard existing.policy != upsert.policy || existing.displayName != upsert.displayName else {
                return (existing, .unchanged)
            }
            existing.policy = upsert.policy
            existing.displayName = upsert.displayName
            existing.generation += 1
            try validate(existing)
            try await tx.updateProduct(existing)
            return (existing, .configured)
        }
        let product = Product(
            id: UUID(), slug: upsert.slug, displayName: upsert.displayName, apiKeyHash: upsert.newKeyHash,
            policy: upsert.policy, createdAt: now
        )
        try validate(product)
        try await tx.insertProduct(product)
        return (product, .created)
    }
}

/// Thrown inside a dry-run transaction to roll it back while carrying the outcomes out.
package struct DryRunRollback: Error {
    package var outcomes: [ApplyOutcome]

    package init(outcomes: [ApplyOutcome]) { self.outcomes = outcomes }
}
