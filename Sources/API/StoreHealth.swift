import DesiredState
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Whether the store answers, checked every `interval` with a short deadline. While it does
/// not, `StoreAvailabilityMiddleware` answers 503 `STORE_UNAVAILABLE` at once instead of
/// letting requests queue for a connection: PostgresNIO waits up to a minute for a connection
/// to a database that is down, and an API that hangs is worse than one that says "retry".
public final class StoreHealth: Service, Sendable {
    let store: any Store
    let interval: Duration
    let deadline: Duration
    let logger: Logger
    /// Consecutive failed checks before the store counts as down (one slow answer under load
    /// is not an outage).
    let threshold: Int
    let enabled: Bool
    private let up = Mutex(true)

    /// - Parameter enabled: checks only stores that can hang (Postgres); the embedded SQLite
    ///   store answers or fails in process, and its single connection may queue a ping behind
    ///   busy transactions, which must not read as an outage.
    public init(store: any Store, interval: Duration = .seconds(1), deadline: Duration = .seconds(2), threshold: Int = 2, enabled: Bool? = nil, logger: Logger) {
        self.store = store
        self.interval = interval
        self.deadline = deadline
        self.threshold = threshold
        self.enabled = enabled ?? (store is PostgresStore)
        self.logger = logger
    }

    /// True unless the last check failed or timed out.
    public var isUp: Bool { up.withLock { $0 } }

    public func run() async throws {
        // Returning early would end the service group (and the server with it): wait instead.
        guard enabled else { return try await gracefulShutdown() }
        var failures = 0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let answered = await check()
            failures = answered ? 0 : failures + 1
            // Calls already waiting for a connection are bounded by the store's busy deadline;
            // from now on they get the short one.
            if !answered { (store as? PostgresStore)?.noteUnreachable() }
            let ok = failures < threshold
            let was = up.withLock { value in
                defer { value = ok }
                return value
            }
            if was != ok { ok ? logger.notice("store reachable again") : logger.error("store unreachable: answering 503 until it is back") }
            try? await Task.sleep(for: interval)
        }
    }

    /// One `currentRevision()` raced against the deadline.
    func check() async -> Bool {
        let store = self.store, deadline = self.deadline
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await store.currentRevision()) != nil }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}

/// Fails fast with 503 `STORE_UNAVAILABLE` while `StoreHealth` says the store is down.
/// `/health` (the orchestrator's own liveness) and the console's static files are always
/// served, and so is the Prometheus text of `/metrics` (no platform key: no store access), which
/// is how `bap_store_up 0` reaches the alert while the store is down.
struct StoreAvailabilityMiddleware<Context: RequestContext>: RouterMiddleware {
    let health: StoreHealth

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let storeless = path == "/health" || path.hasPrefix("/ui")
            || (path == "/metrics" && request.headers[APIEnvironment.platformKeyHeader] == nil)
        if !health.isUp, !storeless { throw APIError.storeUnavailable }
        return try await next(request, context)
    }
}
