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

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// One request: `bap_http_request_duration_seconds{route,method,status}`.
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "bap", subsystem: "http", metricName: "request_duration", unitName: "seconds", helpText: "HTTP request latency by route, method and status."),
            labels: [("route", route), ("method", method), ("status", String(status))],
            buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// One admit: `bap_admit_total{outcome}` where outcome is `admitted`, a not-admitted
    /// reason, `rate_limited`, `quota_exceeded`, `boot_timeout`, `failed` or `error`.
    func recordAdmit(outcome: String) {
        registry.makeCounter(
            descriptor: .init(namespace: "bap", subsystem: "admit", metricName: "outcomes", unitName: "total", helpText: "Admit calls by outcome."),
            labels: [("outcome", outcome)]
        ).increment()
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
            descriptor: .init(namespace: "bap", subsystem: "api", metricName: "ready_wait", unitName: "seconds", helpText: "Time lifecycle calls waited for the controller to report Ready."),
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
