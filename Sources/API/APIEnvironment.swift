import DesiredState
import Foundation
import Logging

/// The dependencies every route handler shares: the store, the configuration and the API's own
/// small services. One value, passed to each `add…Routes` function (including the apply
/// routes written in another file).
public struct APIEnvironment: Sendable {
    public let store: any APIStore
    public let configuration: APIConfiguration
    public let logger: Logger
    public let metrics: APIMetrics
    let activity: ActivityRecorder
    /// Pings the store; while it is down, requests get 503 at once (run it as a service).
    public let storeHealth: StoreHealth
    let waiter: ReadyWaiter
    /// Concurrent `GET …/logs` per product (`logLimits.concurrentReadsPerProduct`).
    let logReads: LogReadLimiter
    /// The one change-log reader behind every watch stream (run it as a service).
    public let watches: WatchHub
    /// Admit outcomes per product and minute, for the console (`GET /v1/admit-outcomes`).
    let admitOutcomes = AdmitOutcomeLog()

    init(store: any APIStore, configuration: APIConfiguration, healthCheck: StoreHealthCheck?, logger: Logger, metrics: APIMetrics) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.activity = ActivityRecorder(store: store, interval: configuration.activityFlushInterval, clock: configuration.clock, logger: logger)
        self.storeHealth = StoreHealth(check: healthCheck, logger: logger)
        self.waiter = ReadyWaiter(store: store, clock: configuration.clock)
        self.logReads = LogReadLimiter(limit: configuration.logLimits.concurrentReadsPerProduct)
        self.watches = WatchHub(store: store, configuration: configuration, logger: logger)
    }

    /// Current wall-clock time from the injected clock.
    public var now: Date { configuration.now() }

    /// Appends one audit row; a failure to audit is logged, never shown to the caller (the
    /// desired-state write it describes already happened).
    func audit(_ entry: AuditEntry) async {
        do { try await store.appendAudit([entry]) } catch {
            logger.error("audit append failed", metadata: ["action": "\(entry.action)", "error": "\(type(of: error))"])
        }
    }

    /// The plaintext key of an engine as it stands. 503 `KEY_UNAVAILABLE` if its master key
    /// version is no longer configured; 404 `ENGINE_NOT_FOUND` for an engine being destroyed
    /// (its key is never handed out again).
    func engineKey(_ engine: EngineRecord) throws(APIError) -> String {
        guard !engine.isMarkedForDeletion else { throw .engineNotFound }
        guard let key = configuration.keys.key(for: engine) else { throw .keyUnavailable }
        return key
    }

    /// The image an engine runs, as reported in `engine_version`.
    func engineVersion(_ engine: EngineRecord, product: Product) -> String {
        engine.spec.image ?? product.policy.template.image ?? configuration.defaultImage
    }
}
