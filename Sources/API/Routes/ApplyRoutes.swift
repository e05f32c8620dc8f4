import DesiredState
import Foundation
import HTTPTypes
import Hummingbird
import WireModel

/// Registers server-side apply (`POST /v1/apply`) and the fleet export (`GET /v1/fleet`).
public func addApplyRoutes(to routes: RouteTable, env: APIEnvironment) {
    let apply = ApplyRoutes(env: env)
    routes.add(.post, "/v1/apply", apply.apply)
    routes.add(.get, "/v1/fleet", apply.fleet)
}

/// Fleet specs over HTTP, admin only. Apply validates every document before writing anything,
/// then hands the whole batch to `Store.apply`, one transaction: all or nothing.
struct ApplyRoutes: Sendable {
    let env: APIEnvironment

    /// `POST /v1/apply[?dry_run=true][&prune=true][&file=NAME]`. The body is fleet YAML
    /// (`application/yaml`, several documents) or JSON `{"documents": [...]}`. Answers
    /// `{"results":[{"kind","name","result"}], "platform_keys":{slug: key}, "dry_run"}`; a new
    /// product's platform key appears here once and is stored only as its SHA-256. A dry run
    /// answers the same outcomes, writes nothing and creates no key.
    @Sendable func apply(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        try env.requireAdmin(request)
        let dryRun = try Params.bool(request, "dry_run", default: false)
        let prune = try Params.bool(request, "prune", default: false)
        let fleet = try await readFleet(request)
        let live = try await liveEngines(of: fleet.namedProducts)
        var keys: [String: String] = [:]
        let batch: ApplyBatch
        do {
            batch = try fleet.applyBatch(live: live.mapValues(\.spec), prune: prune) { slug in
                let key = SecretHash.newPlatformKey()
                keys[slug] = key
                return SecretHash.sha256Hex(key)
            }
        } catch { throw Self.invalid(error) }
        try await requireAllowedImages(batch, live: live)
        let outcomes = try await env.store.apply(batch, dryRun: dryRun, keyVersion: env.configuration.keys.currentVersion, now: env.now)
        if !dryRun { await audit(outcomes, live: live) }
        let created = Set(outcomes.filter { $0.kind == .product && $0.result == .created }.map(\.name))
        return try JSONWire.response(ApplyResponse(
            results: outcomes.map { .init(kind: $0.kind.rawValue, name: $0.name, result: $0.result.rawValue) },
            platform_keys: dryRun ? [:] : keys.filter { created.contains($0.key) },
            dry_run: dryRun
        ))
    }

    /// `GET /v1/fleet[?product=a,b]`: the live desired state (no status) as canonical fleet
    /// YAML, every product or the named ones; unknown slugs are left out, not an error, so
    /// `diff` can show a product the server does not have yet.
    @Sendable func fleet(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        try env.requireAdmin(request)
        let wanted = Params.query(request, "product").map { $0.split(separator: ",").map(String.init) }
        var products: [ProductUpsert] = []
        var engines: [EngineUpsert] = []
        for product in try await env.store.listProducts() where wanted?.contains(product.slug) ?? true {
            products.append(ProductUpsert(slug: product.slug, displayName: product.displayName, policy: product.policy, newKeyHash: ""))
            for engine in try await allEngines(of: product) {
                engines.append(EngineUpsert(productSlug: product.slug, userID: engine.userID, spec: engine.spec))
            }
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/yaml; charset=utf-8"
        let text = FleetYAMLWriter.write(products: products, engines: engines)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// Parses the body as YAML or as the JSON form, by content type (JSON when it says json).
    private func readFleet(_ request: Request) async throws -> FleetSpec {
        let limits = FleetLimits.default
        let body = try await JSONWire.body(request, limit: limits.maxBytes)
        let text = String(decoding: body.readableBytesView, as: UTF8.self)
        let file = Params.query(request, "file").map { String($0.prefix(200)) } ?? "request"
        let isJSON = request.headers[.contentType]?.lowercased().contains("json") ?? false
        do {
            return isJSON ? try FleetParser.parseJSON(text, file: file, limits: limits) : try FleetParser.parse(text, file: file, limits: limits)
        } catch { throw Self.invalid(error) }
    }

    /// Every engine pin in the batch must be allowed (see `requireAllowedImage`); the
    /// template it may always use is the one in this batch, else the live product's.
    private func requireAllowedImages(_ batch: ApplyBatch, live: [EngineKey: EngineRecord]) async throws {
        var templates: [String: EngineTemplate] = [:]
        for product in batch.products { templates[product.slug] = product.policy.template }
        for engine in batch.engines where engine.spec.image != nil {
            if templates[engine.productSlug] == nil {
                templates[engine.productSlug] = try await env.store.product(slug: engine.productSlug)?.policy.template ?? EngineTemplate()
            }
            let current = live[EngineKey(product: engine.productSlug, user: engine.userID)]?.spec.image
            do {
                try env.requireAllowedImage(engine.spec.image, field: "image", template: templates[engine.productSlug] ?? EngineTemplate(), current: current)
            } catch let error as APIError {
                throw APIError(error.status, error.code, "Engine \(engine.productSlug)/\(engine.userID): \(error.message)")
            }
        }
    }

    /// The live engines (not marked for deletion) of the named products that exist.
    private func liveEngines(of slugs: [String]) async throws -> [EngineKey: EngineRecord] {
        var live: [EngineKey: EngineRecord] = [:]
        for slug in slugs {
            guard let product = try await env.store.product(slug: slug) else { continue }
            for engine in try await allEngines(of: product) { live[EngineKey(product: slug, user: engine.userID)] = engine }
        }
        return live
    }

    /// Every engine of a product not marked for deletion, page by page.
    private func allEngines(of product: Product) async throws -> [EngineRecord] {
        var out: [EngineRecord] = []
        var query = EngineQuery(productID: product.id, limit: 1000, offset: 0)
        while true {
            let page = try await env.store.listEngines(query)
            out += page.engines.filter { !$0.isMarkedForDeletion }
            query.offset += page.engines.count
            if page.engines.isEmpty || query.offset >= page.total { return out }
        }
    }

    /// One audit row per object that changed, actor `admin`, in one append.
    private func audit(_ outcomes: [ApplyOutcome], live: [EngineKey: EngineRecord]) async {
        let now = env.now
        let rows: [AuditEntry] = outcomes.compactMap { outcome in
            let action: AuditAction? = switch (outcome.kind, outcome.result) {
            case (_, .unchanged): nil
            case (.product, .created): .policyRegister
            case (.product, _): .policyUpdate
            case (.engine, .created): .provision
            case (.engine, .configured): .specUpdate
            case (.engine, .pruned): .destroy
            }
            guard let action else { return nil }
            let parts = outcome.name.split(separator: "/", maxSplits: 1).map(String.init)
            let engine = parts.count == 2 ? live[EngineKey(product: parts[0], user: parts[1])] : nil
            return AuditEntry(
                timestamp: now, productID: engine?.productID, userID: parts.count == 2 ? parts[1] : nil, engineID: engine?.id,
                action: action, actor: "admin", metadata: ["via": "apply", "product": parts[0]]
            )
        }
        guard !rows.isEmpty else { return }
        do { try await env.store.appendAudit(rows) } catch {
            env.logger.error("audit append failed", metadata: ["action": "apply", "error": "\(type(of: error))"])
        }
    }

    /// A fleet error as the API's 400: the message names file, line, column and field.
    static func invalid(_ error: any Error) -> APIError {
        guard let error = error as? FleetSpecError else { return APIError.invalid("", "The fleet spec could not be read.") }
        return APIError(.badRequest, "INVALID_FLEET_SPEC", error.description)
    }
}
