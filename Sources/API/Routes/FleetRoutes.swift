import DesiredState
import Foundation
import HTTPTypes
import Hummingbird
import WireModel

/// Fleet views: `/status`, `/metrics` (JSON with a platform key, Prometheus text without),
/// `/health`, `/ready` and the audit query.
struct FleetRoutes: Sendable {
    let env: APIEnvironment

    /// Audit rows counted for the JSON metrics; older rows fall outside the totals.
    static let metricsScanLimit = 100_000

    func add(to routes: RouteTable) {
        routes.add(.get, "/health", health)
        routes.add(.get, "/ready", ready)
        routes.add(.get, "/status", status)
        routes.add(.get, "/metrics", metrics)
        routes.add(.get, "/v1/audit", audit)
        routes.add(.get, "/v1/admit-outcomes", admitOutcomes)
    }

    /// The process answers: liveness only, no store access, no auth.
    @Sendable func health(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        try JSONWire.response(["status": "ok"])
    }

    /// Ready when the store answers; 503 `STORE_UNAVAILABLE` otherwise. No auth.
    @Sendable func ready(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        do { _ = try await env.store.currentRevision() } catch { throw APIError.storeUnavailable }
        return try JSONWire.response(["status": "ready"])
    }

    /// The caller's product (platform key) or, with the admin key, the whole fleet.
    @Sendable func status(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let counts = switch try await env.requireCaller(request) {
        case .admin: try await env.store.phaseCounts(productID: nil)
        case .product(let product): try await env.store.phaseCounts(productID: product.id)
        }
        let breaker = try await env.store.audit(AuditQuery(action: .restartBreaker, limit: 1)).first
        return try JSONWire.response(StatusResponse(counts: counts, breaker: breaker))
    }

    /// With `X-Platform-Key`: the original's JSON for that product, computed from the audit
    /// log. Without: Prometheus text of the shared registry (API and controller metrics).
    @Sendable func metrics(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        guard request.headers[APIEnvironment.platformKeyHeader] != nil else {
            env.metrics.recordStoreUp(env.storeHealth.isUp)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: env.metrics.registry.emitToBuffer())))
        }
        let product = try await env.requireProduct(request)
        return try JSONWire.response(try await jsonMetrics(product))
    }

    /// Provisions and destroys count the API's own rows (product actor); crashes and restarts
    /// count the controller's (`system`). Boot time averages the controller's provision rows.
    private func jsonMetrics(_ product: Product) async throws -> MetricsResponse {
        let hourAgo = env.now.addingTimeInterval(-3600)
        func rows(_ action: AuditAction, since: Date? = nil) async throws -> [AuditEntry] {
            try await env.store.audit(AuditQuery(productID: product.id, action: action, since: since, limit: Self.metricsScanLimit))
        }
        let provisions = try await rows(.provision)
        let boots = provisions.compactMap { $0.actor == "system" ? $0.durationMs : nil }
        return MetricsResponse(
            provisions_1h: provisions.filter { $0.actor != "system" && $0.timestamp >= hourAgo }.count,
            crashes_1h: try await rows(.healthFailed, since: hourAgo).count,
            restarts_1h: try await rows(.autoRestartStart, since: hourAgo).count,
            avg_boot_ms: boots.isEmpty ? 0 : boots.reduce(0, +) / boots.count,
            total_provisions: provisions.filter { $0.actor != "system" }.count,
            total_destroys: try await rows(.destroy).filter { $0.actor != "system" }.count
        )
    }

    /// `GET /v1/audit?user=&action=&since=&limit=` (newest first). A platform key sees its own
    /// product's rows; the admin sees all, or one product with `product=`.
    @Sendable func audit(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        var query = AuditQuery(limit: try Params.int(request, "limit", default: 100, range: 1...1000))
        switch try await env.requireCaller(request) {
        case .product(let product): query.productID = product.id
        case .admin:
            if let reference = Params.query(request, "product") {
                guard let product = try await env.lookupProduct(reference) else { throw APIError.productNotFound }
                query.productID = product.id
            }
        }
        if let user = Params.query(request, "user") {
            try Identifiers.validateUserID(user, field: "user")
            query.userID = user
        }
        if let action = Params.query(request, "action") {
            guard !action.isEmpty, action.count <= 64 else { throw APIError.invalid("action", "must be 1 to 64 characters") }
            query.action = AuditAction(rawValue: action)
        }
        if let since = Params.query(request, "since") { query.since = try Self.parseTime(since, field: "since") }
        return try JSONWire.response(AuditResponse(entries: try await env.store.audit(query).map(AuditEntryView.init)))
    }

    /// `GET /v1/admit-outcomes?minutes=15&product=`: admits by outcome per minute, as this
    /// replica served them (the console's overview). A platform key sees its own product; the
    /// admin the fleet, or one product with `product=`.
    @Sendable func admitOutcomes(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let minutes = try Params.int(request, "minutes", default: 15, range: 1...AdmitOutcomeLog.retainedMinutes)
        let (scope, _) = try await WatchRoutes.scope(request, env: env)
        let buckets = env.admitOutcomes.buckets(productID: scope?.id, minutes: minutes, now: env.now)
        return try JSONWire.response(AdmitOutcomesResponse(
            window_minutes: minutes,
            buckets: buckets.map { AdmitOutcomeBucket(start: $0.start, outcomes: $0.outcomes) },
            totals: buckets.reduce(into: [String: Int]()) { totals, bucket in totals.merge(bucket.outcomes, uniquingKeysWith: +) }
        ))
    }

    /// ISO-8601 (`2026-11-29T16:00:00Z`) or Unix seconds.
    static func parseTime(_ text: String, field: String) throws -> Date {
        if let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds < 1e11 { return Date(timeIntervalSince1970: seconds) }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        throw APIError.invalid(field, "must be an ISO-8601 time or Unix seconds")
    }
}
