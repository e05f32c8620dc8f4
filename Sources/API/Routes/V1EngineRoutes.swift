import DesiredState
import Foundation
import HTTPTypes
import Hummingbird
import WireModel

/// Declarative engines: `/v1/products/{product}/engines/{user}` carries spec + status.
/// Writes change only desired state and return at once; `If-Match: <generation>` makes a
/// write conditional (409 `GENERATION_CONFLICT`). `{product}` is an id or slug; a platform
/// key reaches only its own product (others are 404 `PRODUCT_NOT_FOUND`).
struct V1EngineRoutes: Sendable {
    let env: APIEnvironment

    func add(to routes: RouteTable) {
        let engine = "/v1/products/{product}/engines/{user}"
        routes.add(.get, "/v1/products/{product}/engines", list)
        routes.add(.put, engine, put)
        routes.add(.get, engine, get)
        routes.add(.patch, engine, patch)
        routes.add(.delete, engine, delete)
        routes.add(.post, engine + "/sleep", sleep)
        routes.add(.post, engine + "/wake", wake)
        routes.add(.get, engine + "/logs", logs)
    }

    /// Creates (201, under quota) or replaces (200) the spec.
    @Sendable func put(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (caller, product, userID) = try await scope(request, context)
        let ifMatch = try Self.ifMatch(request)
        let body = try await JSONWire.decode(PutEngineRequest.self, from: request, limit: env.configuration.maxBodyBytes)
        let existing = try await env.store.engine(productID: product.id, userID: userID)
        try env.requireAllowedImage(body.spec.image, field: "spec.image", template: product.policy.template, current: existing.flatMap { $0.isMarkedForDeletion ? nil : $0.spec.image })
        if let existing, !existing.isMarkedForDeletion {
            let updated = try await env.store.updateSpec(engineID: existing.id, spec: body.spec(over: existing.spec), expectedGeneration: ifMatch, now: env.now)
            if updated.generation != existing.generation { await audit(.specUpdate, updated, caller) }
            return try respond(updated, product)
        }
        if ifMatch != nil { throw APIError.generationConflict(current: 0) }  // Conditional write on nothing.
        let created = try await env.createEngine(
            NewEngine(productID: product.id, userID: userID, spec: body.spec, keyVersion: env.configuration.keys.currentVersion), product: product
        )
        await audit(.provision, created, caller)
        return try respond(created, product, status: .created)
    }

    @Sendable func get(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (_, product, engine) = try await lookup(request, context)
        return try respond(engine, product)
    }

    /// Merge-patches the spec (absent fields stay).
    @Sendable func patch(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (caller, product, engine) = try await lookup(request, context)
        let ifMatch = try Self.ifMatch(request)
        let body = try await JSONWire.decode(PatchEngineRequest.self, from: request, limit: env.configuration.maxBodyBytes)
        let spec = try body.applied(to: engine.spec)
        try env.requireAllowedImage(spec.image, field: "spec.image", template: product.policy.template, current: engine.spec.image)
        let updated = try await env.store.updateSpec(engineID: engine.id, spec: spec, expectedGeneration: ifMatch, now: env.now)
        if updated.generation != engine.generation { await audit(.specUpdate, updated, caller) }
        return try respond(updated, product)
    }

    /// Marks for deletion (202); the controller removes runtime, brain and row.
    @Sendable func delete(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (caller, product, engine) = try await lookup(request, context)
        if let ifMatch = try Self.ifMatch(request), ifMatch != engine.generation { throw APIError.generationConflict(current: engine.generation) }
        let marked = try await env.store.markForDeletion(engineID: engine.id, now: env.now)
        if !engine.isMarkedForDeletion { await audit(.destroy, marked, caller) }
        return try respond(marked, product, status: .accepted)
    }

    @Sendable func sleep(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        try await setState(.asleep, action: .sleep, request, context)
    }

    /// Wakes; with `?wait=true` waits for Ready (504 `BOOT_TIMEOUT` past the boot timeout).
    @Sendable func wake(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        try await setState(.awake, action: .wake, request, context)
    }

    /// The engine's last `tail` log lines as text (default 200, at most `logLimits.maxTail`;
    /// anything else is 400), at most `logLimits.maxBytes` bytes (the newest whole lines are
    /// kept), read from the runtime through the injected `engineLogs`. At most
    /// `concurrentReadsPerProduct` reads of one product at once (429 with `Retry-After`).
    /// 501 when the server has no log source; 502 when the runtime cannot answer (the reason
    /// goes to the log, not to the caller).
    @Sendable func logs(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (_, product, engine) = try await lookup(request, context)
        let limits = env.configuration.logLimits
        let tailText = Params.query(request, "tail") ?? "200"
        guard tailText.count <= 12, let tail = Int(tailText), (1...limits.maxTail).contains(tail) else {
            throw APIError.invalid("tail", "must be a whole number from 1 to \(limits.maxTail)")
        }
        guard let provider = env.configuration.engineLogs else {
            throw APIError(.notImplemented, "NOT_SUPPORTED", "This server cannot read engine logs.")
        }
        let text: String = try await env.logReads.withSlot(product.id) {
            do { return try await provider(engine.id, tail) } catch {
                env.logger.warning("engine logs unavailable", metadata: ["engine": "\(engine.id)", "error": "\(error)"])
                throw APIError(.badGateway, "RUNTIME_ERROR", "The runtime could not return this engine's logs.")
            }
        }
        let body = Self.newestWholeLines(of: text, maxBytes: limits.maxBytes)
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `text` when it fits in `maxBytes`; else its last `maxBytes` bytes from the first line
    /// that starts inside them (or cut mid-line when one line is longer than the cap).
    static func newestWholeLines(of text: String, maxBytes: Int) -> ArraySlice<UInt8> {
        let bytes = Array(text.utf8)
        guard bytes.count > maxBytes else { return bytes[...] }
        let window = bytes[(bytes.count - maxBytes)...]
        guard let newline = window.firstIndex(of: UInt8(ascii: "\n")), newline + 1 < bytes.count else { return window }
        return bytes[(newline + 1)...]
    }

    @Sendable func list(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (_, product) = try await env.requireProduct(request, reference: try Params.path(context, "product"))
        var phase: EnginePhase?
        if let text = Params.query(request, "phase") ?? Params.query(request, "status") {
            guard let parsed = EnginePhase(rawValue: text) else { throw APIError.invalid("phase", "must be one of \(EnginePhase.allCases.map(\.rawValue).joined(separator: ", "))") }
            phase = parsed
        }
        let limit = try Params.int(request, "limit", default: 100, range: 1...1000)
        let offset = try Params.int(request, "offset", default: 0, range: 0...Int(Int32.max))
        let page = try await env.store.listEngines(EngineQuery(productID: product.id, phase: phase, limit: limit, offset: offset))
        return try JSONWire.response(EngineResourceList(engines: page.engines.map { EngineResource($0, productSlug: product.slug) }, total: page.total))
    }

    // MARK: Helpers

    private func setState(_ state: DesiredEngineState, action: AuditAction, _ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (caller, product, engine) = try await lookup(request, context)
        let ifMatch = try Self.ifMatch(request)
        let wait = try Params.bool(request, "wait", default: false)
        var spec = engine.spec
        spec.state = state
        var updated = try await env.store.updateSpec(engineID: engine.id, spec: spec, expectedGeneration: ifMatch, now: env.now)
        if updated.generation != engine.generation { await audit(action, updated, caller) }
        if wait && state == .awake { updated = try await env.waitUntilReady(updated) }
        return try respond(updated, product)
    }

    private func scope(_ request: Request, _ context: APIRequestContext) async throws -> (Caller, Product, String) {
        let (caller, product) = try await env.requireProduct(request, reference: try Params.path(context, "product"))
        return (caller, product, try Params.userID(context, "user"))
    }

    private func lookup(_ request: Request, _ context: APIRequestContext) async throws -> (Caller, Product, EngineRecord) {
        let (caller, product, userID) = try await scope(request, context)
        guard let engine = try await env.store.engine(productID: product.id, userID: userID) else { throw APIError.engineNotFound }
        return (caller, product, engine)
    }

    private func audit(_ action: AuditAction, _ engine: EngineRecord, _ caller: Caller) async {
        await env.audit(AuditEntry(
            timestamp: env.now, productID: engine.productID, userID: engine.userID, engineID: engine.id, action: action, actor: caller.actor,
            metadata: ["generation": String(engine.generation), "state": engine.spec.state.rawValue, "key_generation": String(engine.spec.keyGeneration)]
        ))
    }

    private func respond(_ engine: EngineRecord, _ product: Product, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.eTag] = "\"\(engine.generation)\""
        return try JSONWire.response(EngineResource(engine, productSlug: product.slug), status: status, headers: headers)
    }

    /// `If-Match: 3` or `If-Match: "3"`; absent → nil; anything else → 400 naming the header.
    static func ifMatch(_ request: Request) throws -> Int64? {
        guard let raw = request.headers[.ifMatch] else { return nil }
        let trimmed = raw.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let value = Int64(trimmed), value >= 0 else { throw APIError.invalid("If-Match", "must be an engine generation (a non-negative integer)") }
        return value
    }
}
