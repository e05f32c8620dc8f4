import DesiredState
import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import WireModel

/// `GET /v1/watch`: a Server-Sent Events stream of engine changes. Each event is
/// `id: <revision>`, `event: engine` (or `deleted` once the row is gone), `data: <engine JSON>`.
/// It resumes after `Last-Event-ID` or `?since=`; without either it first sends every engine
/// in scope (a snapshot, ids = the revision it was taken at) and then follows. Idle streams get
/// `: heartbeat` comments. A platform key sees its product; the admin key the whole fleet
/// (`?product=` narrows). `?timeout=<seconds>` ends the stream (for clients and tests that want
/// a bounded read). Level-triggered: several changes to one engine in a batch give one event
/// with its latest state. Resuming from a revision the change log no longer keeps is 410
/// `RESYNC_REQUIRED`.
///
/// Streams are fed by the process's one `WatchHub` (not a store poll each) and capped per
/// product and per server (429 `WATCH_LIMIT`, `Retry-After`). The server ends a stream with
/// `event: end` (`data: {"reason": "platform_key_rotated" | "product_deleted"}`), or
/// `event: resync` when it fell too far behind (or behind the retained change log): reconnect
/// with `Last-Event-ID`, or without it for a new snapshot.
struct WatchRoutes: Sendable {
    let env: APIEnvironment
    static let batch = 500

    func add(to routes: RouteTable) {
        routes.add(.get, "/v1/watch", watch)
    }

    @Sendable func watch(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (scope, keyHash) = try await Self.scope(request, env: env)
        let since = try Self.since(request)
        let timeout = try Params.int(request, "timeout", default: 0, range: 0...86_400)
        // Resuming from before the retained change log: 410 RESYNC_REQUIRED now, while a status
        // can still be sent (a stream that falls behind later gets a `resync` event instead).
        if let since { _ = try await env.store.changes(since: since, limit: 1) }
        // The place is taken before the answer starts: over a cap is a plain 429 envelope.
        let subscription = try env.watches.subscribe(productID: scope?.id, keyHash: keyHash)
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let stream = WatchStream(env: env, scope: scope, since: since, timeout: timeout > 0 ? .seconds(timeout) : nil, subscription: subscription)
        // Graceful shutdown ends the stream at once, with its `end` event (reason `shutdown`):
        // the server drains only once its open streams have ended.
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await withGracefulShutdownHandler { try await stream.write(to: &writer) } onGracefulShutdown: { subscription.end(.shutdown) }
        })
    }

    /// The product to follow (nil: the whole fleet, admin only) and the platform-key hash the
    /// stream stands on (nil for the admin key).
    static func scope(_ request: Request, env: APIEnvironment) async throws -> (Product?, String?) {
        switch try await env.requireCaller(request) {
        case .product(let own): return (own, own.apiKeyHash)
        case .admin:
            guard let reference = Params.query(request, "product") else { return (nil, nil) }
            guard let product = try await env.lookupProduct(reference) else { throw APIError.productNotFound }
            return (product, nil)
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

/// One open watch: catches up from the store once (a snapshot, or the change log after
/// `since`), then follows the events the `WatchHub` hands it, writing SSE frames.
struct WatchStream: Sendable {
    let env: APIEnvironment
    let scope: Product?
    let since: Int64?
    let timeout: Duration?
    let subscription: WatchSubscription

    func write(to writer: inout any ResponseBodyWriter) async throws {
        // Subscribed before the catch-up: nothing committed meanwhile can fall between the two.
        let subscription = self.subscription
        subscription.markStarted()
        defer { subscription.end(.shutdown) }  // Frees the place however the stream ends.
        var slugs: [UUID: String] = scope.map { [$0.id: $0.slug] } ?? [:]
        var revision: Int64
        if let since {
            do { revision = try await catchUp(after: since, to: &writer, slugs: &slugs) } catch let error as StoreError where error.isCompacted {
                // Compacted between the 410 check and here: the stream has started, so say it
                // with a `resync` event and end.
                try await writer.write(frame(id: since, event: "resync", data: ResyncRequired(error)))
                try await writer.finish(nil)
                return
            }
        } else {
            revision = try await snapshot(to: &writer, slugs: &slugs)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let timeout {
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    if !Task.isCancelled { subscription.end(.timeout) }
                }
            }
            for await event in subscription.events {
                switch event {
                case .heartbeat:
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                case .frame(let at, let frame):
                    guard at > revision else { continue }
                    revision = at
                    try await writer.write(frame)
                }
            }
            group.cancelAll()
        }
        switch subscription.endReason {
        case .slowConsumer?:
            try await writer.write(frame(id: revision, event: "resync", data: WatchEnd(reason: WatchEndReason.slowConsumer.rawValue)))
        case let reason? where reason != .timeout && reason != .shutdown:
            try await writer.write(frame(id: revision, event: "end", data: WatchEnd(reason: reason.rawValue)))
        default: break
        }
        try await writer.finish(nil)
    }

    /// The change log after `since` until it runs dry (the hub has everything later).
    private func catchUp(after since: Int64, to writer: inout any ResponseBodyWriter, slugs: inout [UUID: String]) async throws -> Int64 {
        var revision = since
        while true {
            let changes = try await env.store.changes(since: revision, limit: WatchRoutes.batch)
            guard let last = changes.last else { return revision }
            try await emit(changes, to: &writer, slugs: &slugs)
            revision = last.revision
        }
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
                try await writer.write(frame(id: change.revision, event: "deleted", data: DeletedEngine(change)))
            }
        }
    }

    private func slug(_ productID: UUID, _ cache: inout [UUID: String]) async -> String {
        if let slug = cache[productID] { return slug }
        let slug = (try? await env.store.product(id: productID))?.slug ?? ""
        cache[productID] = slug
        return slug
    }

    func frame(id: Int64, event: String, data: some Encodable) throws -> ByteBuffer { try Self.frame(id: id, event: event, data: data) }

    static func frame(id: Int64, event: String, data: some Encodable) throws -> ByteBuffer {
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

/// The `data` of the last event of a stream the server ended (`end`, or `resync` for a stream
/// that fell behind: reconnect with `Last-Event-ID`).
struct WatchEnd: Encodable, Sendable {
    var reason: String
}
