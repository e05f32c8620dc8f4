import DesiredState
import Foundation
import HTTPTypes
import Hummingbird

/// `GET /v1/watch`: a Server-Sent Events stream of engine changes. Each event is
/// `id: <revision>`, `event: engine` (or `deleted` once the row is gone), `data: <engine JSON>`.
/// It resumes after `Last-Event-ID` or `?since=`; without either it first sends every engine
/// in scope (a snapshot, ids = the revision it was taken at) and then follows. Idle streams get
/// `: heartbeat` comments. Resuming from a revision the change log no longer keeps is 410
/// `RESYNC_REQUIRED`; a stream that falls that far behind gets `event: resync` and ends. A
/// platform key sees its product; the admin key the whole fleet (`?product=` narrows).
/// `?timeout=<seconds>` ends the stream (for clients and tests that want a bounded read).
/// Level-triggered: several changes to one engine in a batch give one event with its latest
/// state.
struct WatchRoutes: Sendable {
    let env: APIEnvironment
    static let batch = 500

    func add(to routes: RouteTable) {
        routes.add(.get, "/v1/watch", watch)
    }

    @Sendable func watch(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let scope = try await Self.scope(request, env: env)
        let since = try Self.since(request)
        let timeout = try Params.int(request, "timeout", default: 0, range: 0...86_400)
        // Resuming from before the retained change log: 410 RESYNC_REQUIRED now, while a status
        // can still be sent (a stream that falls behind later gets a `resync` event instead).
        if let since { _ = try await env.store.changes(since: since, limit: 1) }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let stream = WatchStream(env: env, scope: scope, since: since, timeout: timeout > 0 ? .seconds(timeout) : nil)
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in try await stream.write(to: &writer) })
    }

    /// The product to follow, or nil for the whole fleet (admin only).
    static func scope(_ request: Request, env: APIEnvironment) async throws -> Product? {
        switch try await env.requireCaller(request) {
        case .product(let own): return own
        case .admin:
            guard let reference = Params.query(request, "product") else { return nil }
            guard let product = try await env.lookupProduct(reference) else { throw APIError.productNotFound }
            return product
        }
    }

    /// `Last-Event-ID` wins over `?since=`; nil means "snapshot first".
    static func since(_ request: Request) throws -> Int64? {
        if let header = request.headers[HTTPField.Name("Last-Event-ID")!] {  // A valid token.
            guard let value = Int64(header.trimmingCharacters(in: .whitespaces)), value >= 0 else { throw APIError.invalid("Last-Event-ID", "must be a revision (a non-negative integer)") }
            return value
        }
        guard let text = Params.query(request, "since") else { return nil }
        guard let value = Int64(text), value >= 0 else { throw APIError.invalid("since", "must be a revision (a non-negative integer)") }
        return value
    }
}

/// One open watch: reads the change log after a revision and writes SSE frames.
struct WatchStream: Sendable {
    let env: APIEnvironment
    let scope: Product?
    let since: Int64?
    let timeout: Duration?

    func write(to writer: inout any ResponseBodyWriter) async throws {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        var slugs: [UUID: String] = scope.map { [$0.id: $0.slug] } ?? [:]
        var revision: Int64
        if let since { revision = since } else { revision = try await snapshot(to: &writer, slugs: &slugs) }
        while !Task.isCancelled {
            if let deadline, clock.now >= deadline { break }
            let changes: [Change]
            do { changes = try await env.store.changes(since: revision, limit: WatchRoutes.batch) } catch let error as StoreError where error.isCompacted {
                try await writer.write(try frame(id: revision, event: "resync", data: ResyncRequired(error)))
                break
            }
            if changes.isEmpty {
                let wait = deadline.map { min(env.configuration.watchHeartbeat, clock.now.duration(to: $0)) } ?? env.configuration.watchHeartbeat
                if try await env.store.waitForChange(after: revision, timeout: max(wait, .zero)) <= revision {
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                }
                continue
            }
            revision = changes[changes.count - 1].revision
            try await emit(changes, to: &writer, slugs: &slugs)
        }
        try await writer.finish(nil)
    }

    /// Every engine in scope at the current revision; returns that revision.
    private func snapshot(to writer: inout any ResponseBodyWriter, slugs: inout [UUID: String]) async throws -> Int64 {
        let revision = try await env.store.currentRevision()
        var offset = 0
        while true {
            let page = try await env.store.listEngines(EngineQuery(productID: scope?.id, limit: WatchRoutes.batch, offset: offset))
            for engine in page.engines {
                try await writer.write(frame(id: revision, event: "engine", data: EngineResource(engine, productSlug: await slug(engine.productID, &slugs))))
            }
            offset += page.engines.count
            if page.engines.isEmpty || offset >= page.total { return revision }
        }
    }

    /// The latest state of each changed engine in scope, once, at its last revision.
    private func emit(_ changes: [Change], to writer: inout any ResponseBodyWriter, slugs: inout [UUID: String]) async throws {
        var last: [UUID: Change] = [:]
        for change in changes where scope == nil || change.productID == scope?.id { last[change.engineID] = change }
        for change in last.values.sorted(by: { $0.revision < $1.revision }) {
            if let engine = try await env.store.engine(id: change.engineID) {
                try await writer.write(frame(id: change.revision, event: "engine", data: EngineResource(engine, productSlug: await slug(engine.productID, &slugs))))
            } else {
                let gone = DeletedEngine(engine_id: change.engineID.uuidString.lowercased(), product_id: change.productID.uuidString.lowercased(), user_id: change.userID)
                try await writer.write(frame(id: change.revision, event: "deleted", data: gone))
            }
        }
    }

    private func slug(_ productID: UUID, _ cache: inout [UUID: String]) async -> String {
        if let slug = cache[productID] { return slug }
        let slug = (try? await env.store.product(id: productID))?.slug ?? ""
        cache[productID] = slug
        return slug
    }

    private func frame(id: Int64, event: String, data: some Encodable) throws -> ByteBuffer {
        let json = String(decoding: try JSONWire.encoder.encode(data), as: UTF8.self)
        return ByteBuffer(string: "id: \(id)\nevent: \(event)\ndata: \(json)\n\n")
    }
}

/// The `data` of a `resync` event: the stream fell behind the retained change log and ends;
/// the client watches again without `Last-Event-ID` (a fresh snapshot).
struct ResyncRequired: Encodable, Sendable {
    var code = "RESYNC_REQUIRED"
    var message: String

    init(_ error: StoreError) { message = error.description }
}

/// The `data` of a `deleted` event.
struct DeletedEngine: Encodable, Sendable {
    var engine_id: String
    var product_id: String
    var user_id: String
}
