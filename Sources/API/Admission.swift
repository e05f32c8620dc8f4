import DesiredState
import Foundation
import Hummingbird

/// `POST /engines/{user_id}/admit`, in the original's order (REFERENCE.md §7): rate limit →
/// look up → auto-provision under quota → auto-wake → wait for Ready → URL and key.
struct Admission: Sendable {
    let env: APIEnvironment

    /// The three documented "not admitted" reasons, plus two of ours:
    /// [INFERRED] `engine_stopped` (the docs leave admit on a stopped engine open; a stopped
    /// engine is stopped on purpose, so admit never starts it) and `engine_not_ready`
    /// (only with `wait=false`, while the engine boots).
    enum Reason: String {
        case notFound = "engine_not_found"
        case sleeping = "engine_sleeping"
        case unhealthy = "engine_unhealthy"
        case stopped = "engine_stopped"
        case notReady = "engine_not_ready"
    }

    func admit(product: Product, userID: String, body: AdmitRequest, wait: Bool) async throws -> AdmitResponse {
        do {
            let answer = try await decide(product: product, userID: userID, body: body, wait: wait)
            let outcome = answer.admitted ? "admitted" : (answer.reason ?? "denied")
            env.metrics.recordAdmit(outcome: outcome)
            env.admitOutcomes.record(productID: product.id, outcome: outcome, at: env.now)
            return answer
        } catch let error as APIError {
            env.metrics.recordAdmit(outcome: error.code.lowercased())
            env.admitOutcomes.record(productID: product.id, outcome: error.code.lowercased(), at: env.now)
            throw error
        }
    }

    private func decide(product: Product, userID: String, body: AdmitRequest, wait: Bool) async throws -> AdmitResponse {
        try await rateLimit(product)
        let autoProvision = body.autoProvision ?? product.policy.autoProvision ?? false
        let autoWake = body.autoWake ?? product.policy.autoWake ?? false
        // An engine marked for deletion is gone for admit: not found, or a new one provisioned
        // alongside the old one being torn down.
        var engine = try await env.store.engine(productID: product.id, userID: userID).flatMap { $0.isMarkedForDeletion ? nil : $0 }
        if engine == nil {
            guard autoProvision else { return try await deny(.notFound, product: product, userID: userID, engine: nil) }
            engine = try await provision(product: product, userID: userID)
        }
        guard var engine else { throw APIError.engineNotFound }  // Unreachable: set just above.
        switch engine.spec.state {
        case .stopped:
            return try await deny(.stopped, product: product, userID: userID, engine: engine)
        case .asleep:
            guard autoWake else { return try await deny(.sleeping, product: product, userID: userID, engine: engine) }
            engine = try await wake(engine, product: product)
        case .awake:
            break
        }
        if engine.isFailedForGood {
            return try await deny(.unhealthy, product: product, userID: userID, engine: engine)
        }
        if !engine.isReadyForCurrentSpec {
            guard wait else {
                return AdmitResponse(admitted: false, engine: try env.legacyView(engine, product: product, withKey: false), reason: Reason.notReady.rawValue)
            }
            engine = try await env.waitUntilReady(engine)
        }
        await env.activity.record(engine.id, at: env.now)
        return AdmitResponse(admitted: true, engine: try env.legacyView(engine, product: product, withKey: true), reason: nil)
    }

    /// One token per admit from the product's bucket in the store (exact across replicas).
    private func rateLimit(_ product: Product) async throws {
        guard let rpm = env.configuration.quota.rateLimitRPM(for: product) else { return }
        let decision = try await env.store.takeToken(
            key: "admit:\(product.id.uuidString.lowercased())", capacity: rpm, refillPerSecond: Double(rpm) / 60, now: env.now
        )
        guard decision.allowed else {
            throw APIError.rateLimited(retryAfter: max(1, Int(decision.retryAfter.rounded(.up))))
        }
    }

    /// Auto-provision under quota. Losing a race to a concurrent admit is fine: use its row.
    private func provision(product: Product, userID: String) async throws -> EngineRecord {
        do {
            let created = try await env.createEngine(
                NewEngine(productID: product.id, userID: userID, spec: EngineSpec(state: .awake), keyVersion: env.configuration.keys.currentVersion),
                product: product
            )
            await env.audit(AuditEntry(timestamp: env.now, productID: product.id, userID: userID, engineID: created.id, action: .provision, actor: product.slug, metadata: ["via": "admit"]))
            return created
        } catch let error as StoreError where error.code == .engineAlreadyExists {
            guard let existing = try await env.store.engine(productID: product.id, userID: userID), !existing.isMarkedForDeletion else {
                throw APIError.engineNotFound
            }
            return existing
        }
    }

    /// asleep → awake, only if it is still asleep at the generation we read: of any number of
    /// concurrent admits exactly one flips it (and audits `wake`); the others see the conflict,
    /// re-read, and wait on the same status.
    private func wake(_ engine: EngineRecord, product: Product) async throws -> EngineRecord {
        var spec = engine.spec
        spec.state = .awake
        do {
            let woken = try await env.store.updateSpec(engineID: engine.id, spec: spec, expectedGeneration: engine.generation, now: env.now)
            await env.audit(AuditEntry(timestamp: env.now, productID: product.id, userID: engine.userID, engineID: engine.id, action: .wake, actor: product.slug))
            return woken
        } catch let error as StoreError {
            guard case .generationConflict = error.code,
                  let current = try await env.store.engine(id: engine.id) else { throw error }
            return current
        }
    }

    private func deny(_ reason: Reason, product: Product, userID: String, engine: EngineRecord?) async throws -> AdmitResponse {
        await env.audit(AuditEntry(timestamp: env.now, productID: product.id, userID: userID, engineID: engine?.id, action: .admitDenied, actor: product.slug, metadata: ["reason": reason.rawValue]))
        // [DOC CONFLICT] The docs show `engine: null` for denials; for a known engine we do the
        // same (no key leaves with a denial) except `engine_stopped`/`engine_not_ready`, where the
        // current state is the useful answer ("probably returns the current state").
        var view: LegacyEngineView?
        if reason == .stopped, let engine { view = try env.legacyView(engine, product: product, withKey: false) }
        return AdmitResponse(admitted: false, engine: view, reason: reason.rawValue)
    }
}
