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
    /// How long the legacy `POST /engines/{u}/stop` waits for the controller to report the
    /// engine stopped before 504 `STOP_TIMEOUT`: `ORCH_STOP_GRACE_S` plus a margin.
    public var stopTimeout: Duration
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
    /// Which images a product may pin (`ORCH_ALLOWED_IMAGES`); decided here, from
    /// configuration, before anything is written. Default: any tag of `defaultImage`'s
    /// repository (plus, always, the product template's image).
    public var imagePolicy: ImagePolicy
    /// `GET …/logs`: the largest `tail` accepted, the most bytes answered (the newest are
    /// kept), and how many reads of one product may run at once (429 past it).
    public var logLimits: LogLimits

    /// Bounds on engine log reads; see README "Engine logs".
    public struct LogLimits: Sendable {
        public var maxTail: Int
        public var maxBytes: Int
        public var concurrentReadsPerProduct: Int
        public init(maxTail: Int = 10_000, maxBytes: Int = 1 << 20, concurrentReadsPerProduct: Int = 4) {
            self.maxTail = maxTail
            self.maxBytes = maxBytes
            self.concurrentReadsPerProduct = concurrentReadsPerProduct
        }
    }

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
        engineLogs: (@Sendable (_ engineID: UUID, _ tail: Int) async throws -> String)? = nil,
        imagePolicy: ImagePolicy? = nil,
        logLimits: LogLimits = LogLimits(),
        stopTimeout: Duration = .seconds(30 + 15)
    ) {
        self.stopTimeout = stopTimeout
        self.engineLogs = engineLogs
        self.imagePolicy = imagePolicy ?? (try? ImagePolicy.anyTag(of: defaultImage)) ?? .templatesOnly
        self.logLimits = logLimits
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
