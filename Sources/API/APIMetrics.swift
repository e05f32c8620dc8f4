import Foundation
import Hummingbird
import Prometheus

/// The API's Prometheus metrics. Pass the same `PrometheusCollectorRegistry` the controller's
/// metrics use, so one `GET /metrics` (without a platform key) serves everything.
public struct APIMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60),
    ]

    static var requestDescriptor: MetricNameDescriptor { .init(namespace: "bap", subsystem: "http", metricName: "request_duration", unitName: "seconds", helpText: "HTTP request latency by route, method and status.") }
    static var readyWaitDescriptor: MetricNameDescriptor { .init(namespace: "bap", subsystem: "api", metricName: "ready_wait", unitName: "seconds", helpText: "Time lifecycle calls waited for the controller to report Ready.") }

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// One request: `bap_http_request_duration_seconds{route,method,status}`.
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: Self.requestDescriptor,
            labels: [("route", route), ("method", method), ("status", String(status))],
            buckets: Self.latencyBuckets
        ).record(duration)
    }

    static var admitDescriptor: MetricNameDescriptor { .init(namespace: "bap", subsystem: "admit", metricName: "outcomes", unitName: "total", helpText: "Admit calls by outcome.") }
    static var storeUpDescriptor: MetricNameDescriptor { .init(namespace: "bap", subsystem: "store", metricName: "up", unitName: "", helpText: "1 while the store answers, 0 while the API answers 503 STORE_UNAVAILABLE.") }

    /// The admit outcomes the dashboard and alert rules name; registered at zero at start so a
    /// fresh server's `/metrics` already has every series they read.
    static let knownAdmitOutcomes = [
        "admitted", "rate_limited", "quota_exceeded", "engine_not_found", "engine_sleeping", "engine_unhealthy",
        "engine_stopped", "boot_timeout", "engine_failed",
    ]

    /// One admit: `bap_admit_outcomes_total{outcome}` where outcome is `admitted`, a not-admitted
    /// reason (`engine_sleeping`, …) or an error code in lower case (`rate_limited`,
    /// `quota_exceeded`, `boot_timeout`, `engine_failed`, …).
    func recordAdmit(outcome: String) {
        registry.makeCounter(descriptor: Self.admitDescriptor, labels: [("outcome", outcome)]).increment()
    }

    /// `bap_store_up`: set when `/metrics` is scraped, from the store health check.
    func recordStoreUp(_ up: Bool) {
        registry.makeGauge(descriptor: Self.storeUpDescriptor).set(to: up ? 1.0 : 0.0)
    }

    /// Registers the series dashboards and alert rules read (admit outcomes at zero, request
    /// and ready-wait histograms empty, the store gauge), so they exist before the first event.
    public func registerKnownSeries() {
        for outcome in Self.knownAdmitOutcomes {
            _ = registry.makeCounter(descriptor: Self.admitDescriptor, labels: [("outcome", outcome)])
        }
        recordStoreUp(true)
        _ = registry.makeDurationHistogram(
            descriptor: Self.requestDescriptor,
            labels: [("route", "/engines/{user_id}/admit"), ("method", "POST"), ("status", "200")],
            buckets: Self.latencyBuckets
        )
        _ = registry.makeDurationHistogram(descriptor: Self.readyWaitDescriptor, labels: [("outcome", "ready")], buckets: Self.latencyBuckets)
    }

    /// Time the API waited for Ready: `bap_api_ready_wait_seconds{outcome}` (wake latency as
    /// the product sees it).
    func recordReadyWait(_ duration: Duration, outcome: ReadyWaiter.Outcome) {
        let label = switch outcome {
        case .ready: "ready"
        case .stopped: "stopped"
        case .superseded: "superseded"
        case .failed: "failed"
        case .gone: "gone"
        case .timedOut: "timeout"
        }
        registry.makeDurationHistogram(
            descriptor: Self.readyWaitDescriptor,
            labels: [("outcome", label)],
            buckets: Self.latencyBuckets
        ).record(duration)
    }
}

/// Records every request's latency under its route pattern (never the raw path: user ids
/// must not become label values).
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: APIMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        // Measured to the response head: a watch stream's duration is not a latency.
        metrics.recordRequest(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code, duration: ContinuousClock.now - started)
        return response
    }
}
