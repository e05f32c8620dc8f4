import DesiredState
import Foundation

/// Everything the API needs to know that is not in the store. Built by the composition root
/// from `ORCH_*` variables and flags; tests build it with small timeouts and a fixed clock.
public struct APIConfiguration: Sendable {
    /// `ORCH_ADMIN_KEY`. `nil` makes every admin endpoint answer 401 `INVALID_ADMIN_KEY`.
    public var adminKey: String?
    /// Derives engine keys (`ORCH_MASTER_KEY`); keys are never stored.
    public var keys: EngineKeyDeriver
    /// `ORCH_BOOT_TIMEOUT_S`: how long provision/start/admit wait for Ready before 504 `BOOT_TIMEOUT`.
    public var bootTimeout: Duration
    /// `ORCH_ENGINE_IMAGE`: reported as `engine_version` when neither the engine nor the
    /// product template pins an image.
    public var defaultImage: String
    /// Request bodies larger than this are refused with 413 `PAYLOAD_TOO_LARGE`.
    public var maxBodyBytes: Int
    /// How often coalesced admit activity is written to the store.
    public var activityFlushInterval: Duration
    /// Comment lines sent on an idle watch stream so proxies keep it open.
    public var watchHeartbeat: Duration
    /// Open watch streams: at most this many per product (platform key or admin `?product=`)
    /// and in total; past either, 429 `WATCH_LIMIT` with `Retry-After`.
    public var maxWatchesPerProduct = 20
    public var maxWatches = 500
    /// Events one watch stream may have waiting; a stream that falls this far behind is ended
    /// with a `resync` event instead of buffering without bound.
    public var watchBuffer = 1024
    /// How often the watch hub re-reads the products it serves (a key rotated or a product
    /// deleted on another replica ends their streams within this time).
    public var watchProductCheck: Duration = .seconds(5)
    /// Defaults for products without a policy, and the fleet-wide engine cap.
    public var quota = EngineQuota()
    /// Wall-clock time for timestamps, audit rows and the token bucket. Tests pin it.
    public var now: @Sendable () -> Date
    /// Monotonic clock for deadlines (boot timeout, flush interval). Tests may shorten time.
    public var clock: any Clock<Duration>
    /// An engine's last log lines, from the runtime. The API never talks to a driver: the
    /// composition root passes this in. `nil`: `GET …/logs` answers 501.
    public var engineLogs: (@Sendable (_ engineID: UUID, _ tail: Int) async throws -> String)?

    public init(
        adminKey: String?,
        keys: EngineKeyDeriver,
        bootTimeout: Duration = .seconds(60),
        defaultImage: String = "september-engine:latest",
        maxBodyBytes: Int = 1 << 20,
        activityFlushInterval: Duration = .seconds(1),
        watchHeartbeat: Duration = .seconds(15),
        now: @escaping @Sendable () -> Date = { Date() },
        clock: any Clock<Duration> = ContinuousClock(),
        engineLogs: (@Sendable (_ engineID: UUID, _ tail: Int) async throws -> String)? = nil
    ) {
        self.engineLogs = engineLogs
        self.adminKey = adminKey
        self.keys = keys
        self.bootTimeout = bootTimeout
        self.defaultImage = defaultImage
        self.maxBodyBytes = maxBodyBytes
        self.activityFlushInterval = activityFlushInterval
        self.watchHeartbeat = watchHeartbeat
        self.now = now
        self.clock = clock
    }
}
