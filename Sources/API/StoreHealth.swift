import DesiredState
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// How to tell that the store answers, wired by the composition root (the API does not know
/// which backend it has). `ping` is raced against the deadline; `onUnreachable` runs after each
/// check that did not answer in time (Postgres shortens its connection wait from then on).
public struct StoreHealthCheck: Sendable {
    public var ping: @Sendable () async throws -> Void
    public var onUnreachable: @Sendable () -> Void

    public init(ping: @escaping @Sendable () async throws -> Void, onUnreachable: @escaping @Sendable () -> Void = {}) {
        self.ping = ping
        self.onUnreachable = onUnreachable
    }
}

/// Whether the store answers, checked every `interval` with a short deadline. While it does
/// not, `StoreAvailabilityMiddleware` answers 503 `STORE_UNAVAILABLE` at once instead of
/// letting requests queue for a connection: PostgresNIO waits up to a minute for a connection
/// to a database that is down, and an API that hangs is worse than one that says "retry".
public final class StoreHealth: Service, Sendable {
    let healthCheck: StoreHealthCheck?
    let interval: Duration
    let deadline: Duration
    let logger: Logger
    /// Consecutive failed checks before the store counts as down (one slow answer under load
    /// is not an outage).
    let threshold: Int
    var enabled: Bool { healthCheck != nil }
    private let up = Mutex(true)

    /// - Parameter check: nil for stores that cannot hang (the embedded SQLite store answers
    ///   or fails in process, and its single connection may queue a ping behind busy
    ///   transactions, which must not read as an outage): the store is then always up. The
    ///   composition root passes one for Postgres.
    public init(check: StoreHealthCheck?, interval: Duration = .seconds(1), deadline: Duration = .seconds(2), threshold: Int = 2, logger: Logger) {
        self.healthCheck = check
        self.interval = interval
        self.deadline = deadline
        self.threshold = threshold
        self.logger = logger
    }

    /// True unless the last check failed or timed out.
    public var isUp: Bool { up.withLock { $0 } }

    public func run() async throws {
        // Returning early would end the service group (and the server with it): wait instead.
        guard let healthCheck else { return try await gracefulShutdown() }
        var failures = 0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let answered = await check()
            failures = answered ? 0 : failures + 1
            // Calls already waiting for a connection are bounded by the store's busy deadline;
            // from now on they get the short one.
            if !answered { healthCheck.onUnreachable() }
            let ok = failures < threshold
            let was = up.withLock { value in
                defer { value = ok }
                return value
            }
            if was != ok { ok ? logger.notice("store reachable again") : logger.error("store unreachable: answering 503 until it is back") }
            try? await Task.sleep(for: interval)
        }
    }

    /// One ping raced against the deadline (true without a check: nothing to ask).
    func check() async -> Bool {
        guard let ping = healthCheck?.ping else { return true }
        let deadline = self.deadline
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await ping()) != nil }
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
