import DesiredState
import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import Logging
import Prometheus
import ServiceLifecycle

/// Builds the HTTP application: every route, the error envelope, request metrics, and the
/// API's own background service (the activity flusher). `bap-engine serve` and the tests both
/// call this.
///
/// The store is not started here: the composition root runs it (`Store` is a `Service`) in the
/// same `ServiceGroup`, before the application. The returned application runs the
/// `ActivityRecorder` itself (it is in `services`), plus anything passed in `services`.
///
/// - Parameters:
///   - store: where desired state lives; the API writes only desired state and audit rows
///     (`APIStore`: it is not handed status writes or leases).
///   - storeHealth: how to tell the store answers (the composition root builds it for
///     Postgres); nil: always up.
///   - configuration: keys, timeouts, clock.
///   - registry: the Prometheus registry shared with the controller; `GET /metrics` without a
///     platform key serves it.
///   - server: address and name for the HTTP server (`ORCH_HOST`/`ORCH_HTTP_PORT`).
///   - idleTimeout: `ORCH_HTTP_IDLE_TIMEOUT_S`: closes a connection with no request in flight
///     (also one whose request head never finished) after that long; a streaming answer
///     (a watch) is a request in flight and stays open.
///   - services: more services the application should run with the server.
public func buildApplication(
    store: any APIStore,
    configuration: APIConfiguration,
    storeHealth: StoreHealthCheck? = nil,
    registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    server: ApplicationConfiguration = ApplicationConfiguration(address: .hostname("0.0.0.0", port: 8000), serverName: "bap-engine"),
    idleTimeout: Duration? = nil,
    services: [any Service] = [],
    logger: Logger = Logger(label: "bap-engine.api")
) -> some ApplicationProtocol {
    let env = APIEnvironment(store: store, configuration: configuration, healthCheck: storeHealth, logger: logger, metrics: APIMetrics(registry: registry))
    env.metrics.registerKnownSeries()
    let routes = buildRoutes(env: env)
    return Application(
        router: routes.router, server: .http1(configuration: HTTP1Channel.Configuration(idleTimeout: idleTimeout.map { TimeAmount($0) })), configuration: server,
        services: [env.activity, env.storeHealth, env.watches] + services, logger: logger
    )
}

/// The router with every route registered, and the table of what was registered (the
/// OpenAPI test compares it with the document).
public func buildRoutes(env: APIEnvironment) -> RouteTable {
    let router = Router(context: APIRequestContext.self)
    // Outermost first: metrics see the final status, including mapped errors and 404s.
    router.add(middleware: RequestMetricsMiddleware(metrics: env.metrics))
    router.add(middleware: ErrorMiddleware(logger: env.logger))
    router.add(middleware: StoreAvailabilityMiddleware(health: env.storeHealth))
    let routes = RouteTable(router: router)
    FleetRoutes(env: env).add(to: routes)
    LegacyEngineRoutes(env: env).add(to: routes)
    ProductRoutes(env: env).add(to: routes)
    V1EngineRoutes(env: env).add(to: routes)
    WatchRoutes(env: env).add(to: routes)
    // Server-side fleet apply (`POST /v1/apply`) registers here: `addApplyRoutes(to: routes, env: env)`.
    addApplyRoutes(to: routes, env: env)
    OpenAPIRoutes(env: env).add(to: routes)
    ConsoleRoutes().add(to: router)  // The web console at /ui: not API operations, so not in the table.
    return routes
}

extension APIEnvironment {
    /// For tests and the composition root: an environment whose routes can be built with
    /// `buildRoutes(env:)` (and whose `activity` must then be run by the caller).
    public static func make(
        store: any APIStore, configuration: APIConfiguration, storeHealth: StoreHealthCheck? = nil,
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), logger: Logger = Logger(label: "bap-engine.api")
    ) -> APIEnvironment {
        APIEnvironment(store: store, configuration: configuration, healthCheck: storeHealth, logger: logger, metrics: APIMetrics(registry: registry))
    }

    /// The activity flusher, a `Service` to run next to the application.
    public var activityRecorder: ActivityRecorder { activity }
}
