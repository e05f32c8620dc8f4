import DesiredState
import Foundation

/// An engine as `/v1` answers it (spec + status). Only what the CLI shows is decoded.
struct EngineView: Codable, Sendable {
    var engine_id: String
    var product: String
    var user_id: String
    var generation: Int64
    var revision: Int64
    var spec: EngineSpec
    var status: EngineStatus
    var created_at: Date
    var deletion_requested_at: Date?
    var last_activity_at: Date?

    var name: String { "\(product)/\(user_id)" }

    /// Converged: the controller has seen the latest spec and the engine is where the spec
    /// wants it (awake and Ready; asleep; stopped).
    var isConverged: Bool {
        guard status.observedGeneration >= generation, deletion_requested_at == nil else { return false }
        switch spec.state {
        case .awake: return status.isReady && status.phase == .running
        case .asleep: return status.phase == .sleeping || status.phase == .stopped
        case .stopped: return status.phase == .stopped
        }
    }

    /// Failed for good (until the spec changes): the controller gave up or cannot pull the image.
    var isFailed: Bool {
        status.isFailedForGood(generation: generation)
    }

    /// Why it is not converged yet, in a few words.
    var pendingReason: String {
        if status.observedGeneration < generation { return "waiting for the controller" }
        for type in [ConditionType.degraded, .progressing, .ready] {
            if let c = status.condition(type), c.status == (type == .ready ? .false : .true) { return "\(c.reason): \(c.message)" }
        }
        return status.lastError ?? status.phase.rawValue
    }
}

struct EngineList: Codable, Sendable {
    var engines: [EngineView]
    var total: Int
}

struct ProductView: Codable, Sendable {
    var product_id: String
    var slug: String
    var display_name: String
    var policy: Policy
    var generation: Int64
    var created_at: Date
    var engines: [String: Int]?
}

struct ProductList: Codable, Sendable {
    var products: [ProductView]
}

struct ApplyAnswer: Codable, Sendable {
    struct Result: Codable, Sendable {
        var kind: String
        var name: String
        var result: String
    }
    var results: [Result]
    var platform_keys: [String: String]
    var dry_run: Bool?
}

struct AuditList: Codable, Sendable {
    var entries: [AuditEntry]
}

struct FleetStatus: Codable, Sendable {
    var total: Int
    var by_status: [String: Int]
    var health: String
    var unhealthy_count: Int
    var restart_breaker: Breaker?

    struct Breaker: Codable, Sendable {
        var open: Bool
        var since: String?
        var failing_engines: Int?
        var probed_engines: Int?
    }
}
