import DesiredState
import Foundation
import Hummingbird

/// The original's `/engines` endpoints (REFERENCE.md §2), same paths, fields and codes. Every
/// lifecycle verb is a desired-state write plus an audit row; provision and start wait for the
/// controller's Ready like the original's synchronous answers. Each handler sees only the
/// calling product's engines: another product's user id is simply "not found". An engine
/// marked for deletion is gone for these endpoints (as the original's synchronous DELETE left
/// nothing behind): GET, list, admit, start, stop, rotate-key and DELETE answer as if it never
/// existed, and the same user id can be provisioned again while it is torn down.
struct LegacyEngineRoutes: Sendable {
    let env: APIEnvironment

    func add(to routes: RouteTable) {
        routes.add(.post, "/engines/provision", provision)
        routes.add(.get, "/engines", list)
        routes.add(.get, "/engines/{user_id}", get)
        routes.add(.delete, "/engines/{user_id}", delete)
        routes.add(.post, "/engines/{user_id}/start", start)
        routes.add(.post, "/engines/{user_id}/stop", stop)
        routes.add(.post, "/engines/{user_id}/rotate-key", rotateKey)
        routes.add(.post, "/engines/{user_id}/admit", admit)
    }

    /// Creates the engine (desired `awake`) under `max_engines`, then waits for Ready.
    @Sendable func provision(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let product = try await env.requireProduct(request)
        let body = try await JSONWire.decode(ProvisionRequest.self, from: request, limit: env.configuration.maxBodyBytes)
        try env.requireAllowedImage(body.engineVersion, field: "engine_version", template: product.policy.template)
        let spec = EngineSpec(state: .awake, keyGeneration: 1, image: body.engineVersion)
        let created = try await env.createEngine(
            NewEngine(productID: product.id, userID: body.userID, spec: spec, keyVersion: env.configuration.keys.currentVersion), product: product
        )
        await env.audit(AuditEntry(timestamp: env.now, productID: product.id, userID: body.userID, engineID: created.id, action: .provision, actor: product.slug))
        let ready = try await env.waitUntilReady(created)
        return try JSONWire.response(ProvisionResponse(
            engine_id: ready.id.uuidString.lowercased(), user_id: ready.userID, status: EnginePhase.running.rawValue,
            url: ready.status.url, api_key: try env.engineKey(ready)
        ))
    }

    /// One engine with its key (the original returns it on every GET).
    @Sendable func get(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (product, engine) = try await lookup(request, context)
        return try JSONWire.response(try env.legacyView(engine, product: product, withKey: true))
    }

    /// The product's engines, filtered by `status`, paged by `limit`/`offset`. Never keys, and
    /// never an engine marked for deletion.
    @Sendable func list(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let product = try await env.requireProduct(request)
        var phase: EnginePhase?
        if let text = Params.query(request, "status") {
            guard let parsed = EnginePhase(rawValue: text) else {
                throw APIError.invalid("status", "must be one of \(EnginePhase.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            phase = parsed
        }
        let limit = try Params.int(request, "limit", default: 100, range: 1...1000)
        let offset = try Params.int(request, "offset", default: 0, range: 0...Int(Int32.max))
        var query = EngineQuery(productID: product.id, phase: phase, limit: limit, offset: offset)
        query.includeMarkedForDeletion = false
        let page = try await env.store.listEngines(query)
        let views = try page.engines.map { try env.legacyView($0, product: product, withKey: false) }
        return try JSONWire.response(EngineListResponse(engines: views, total: page.total))
    }

    /// Marks the engine for deletion and answers at once with `destroyed`; the controller
    /// removes container, brain and row in the background. From this answer on the user is
    /// gone for the legacy API (404 `ENGINE_NOT_FOUND`, no key) and may be provisioned again,
    /// as after the original's synchronous destroy; waiting for the teardown itself would tie
    /// an HTTP call to Docker's stop grace period. `/v1` still shows the terminating engine.
    @Sendable func delete(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (product, engine) = try await lookup(request, context)
        _ = try await env.store.markForDeletion(engineID: engine.id, now: env.now)
        await env.audit(AuditEntry(timestamp: env.now, productID: product.id, userID: engine.userID, engineID: engine.id, action: .destroy, actor: product.slug))
        return try JSONWire.response(["status": "destroyed", "engine_id": engine.id.uuidString.lowercased()])
    }

    /// Desired `awake`, then wait for Ready. 409 `ENGINE_ALREADY_RUNNING` when it already is
    /// awake and Ready for its current spec (the original's no-op answer).
    @Sendable func start(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (product, engine) = try await lookup(request, context)
        if engine.spec.state == .awake, engine.isReadyForCurrentSpec { throw APIError.engineAlreadyRunning }
        let updated = try await setState(.awake, of: engine, product: product, action: .start)
        let ready = try await env.waitUntilReady(updated)
        return try JSONWire.response(LifecycleResponse(status: EnginePhase.running.rawValue, engine_id: ready.id.uuidString.lowercased(), user_id: ready.userID, url: ready.status.url))
    }

    /// Desired `stopped`, then wait until the controller reports it stopped (the grace period
    /// plus a margin, else 504 `STOP_TIMEOUT`), so an immediate GET says `stopped` as it did
    /// after the original's synchronous stop. [DOC CONFLICT] 409 `ENGINE_NOT_RUNNING` only
    /// when it is already stopped on purpose: a sleeping engine may be stopped (in the
    /// original a sleeping container was still running, so stop applied to it).
    @Sendable func stop(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (product, engine) = try await lookup(request, context)
        guard engine.spec.state != .stopped else { throw APIError.engineNotRunning }
        let updated = try await setState(.stopped, of: engine, product: product, action: .stop)
        let stopped = try await env.waitUntilStopped(updated)
        return try JSONWire.response(LifecycleResponse(status: EnginePhase.stopped.rawValue, engine_id: stopped.id.uuidString.lowercased(), user_id: stopped.userID, url: nil))
    }

    /// `key_generation + 1`; the controller restarts the engine with the new key's hash, and we
    /// wait for that before returning the key so it works as soon as the caller has it.
    /// 409 `ENGINE_NOT_RUNNING` unless the engine is desired awake (the original allowed
    /// rotation only while running).
    @Sendable func rotateKey(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (product, engine) = try await lookup(request, context)
        guard engine.spec.state == .awake, !engine.isMarkedForDeletion else { throw APIError.engineNotRunning }
        var spec = engine.spec
        spec.keyGeneration += 1
        let updated = try await env.store.updateSpec(engineID: engine.id, spec: spec, expectedGeneration: nil, now: env.now)
        await env.audit(AuditEntry(timestamp: env.now, productID: product.id, userID: engine.userID, engineID: engine.id, action: .rotateKey, actor: product.slug, metadata: ["key_generation": String(spec.keyGeneration)]))
        let ready = try await env.waitUntilReady(updated)
        return try JSONWire.response(RotateKeyResponse(engine_id: ready.id.uuidString.lowercased(), user_id: ready.userID, api_key: try env.engineKey(ready), key_generation: ready.spec.keyGeneration))
    }

    @Sendable func admit(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let product = try await env.requireProduct(request)
        let userID = try Params.userID(context)
        let body = try await JSONWire.decodeIfPresent(AdmitRequest.self, from: request, limit: env.configuration.maxBodyBytes) ?? AdmitRequest()
        let wait = try Params.bool(request, "wait", default: true)
        return try JSONWire.response(try await Admission(env: env).admit(product: product, userID: userID, body: body, wait: wait))
    }

    // MARK: Helpers

    /// The caller's product and its live engine `{user_id}`; 404 `ENGINE_NOT_FOUND` otherwise
    /// (an engine marked for deletion included).
    private func lookup(_ request: Request, _ context: APIRequestContext) async throws -> (Product, EngineRecord) {
        let product = try await env.requireProduct(request)
        let userID = try Params.userID(context)
        guard let engine = try await env.store.engine(productID: product.id, userID: userID), !engine.isMarkedForDeletion else {
            throw APIError.engineNotFound
        }
        return (product, engine)
    }

    private func setState(_ state: DesiredEngineState, of engine: EngineRecord, product: Product, action: AuditAction) async throws -> EngineRecord {
        var spec = engine.spec
        spec.state = state
        let updated = try await env.store.updateSpec(engineID: engine.id, spec: spec, expectedGeneration: nil, now: env.now)
        await env.audit(AuditEntry(timestamp: env.now, productID: product.id, userID: engine.userID, engineID: engine.id, action: action, actor: product.slug))
        return updated
    }
}
