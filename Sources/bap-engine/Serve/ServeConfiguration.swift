import DesiredState
import Foundation

/// Everything `serve` reads, from `ORCH_*` variables (REFERENCE.md §11) overridden by flags.
/// Nothing configured = the embedded default: SQLite file + local processes running the
/// bundled ExampleEngine, keys generated into the data directory.
struct ServeConfiguration: Sendable {
    enum Backend: String, Sendable { case process, docker }

    var host = "0.0.0.0"
    var port = 8000
    var databaseURL: String?
    var dataDirectory = "./bap-data"
    var backend = Backend.process
    var adminKey: String?
    var masterKey: String?
    var engineImage: String?
    var engineCommand: String?
    var passthroughNames: [String] = []
    var network: String?
    /// Scopes the Docker driver to containers labelled `bap.instance=<value>`, so several
    /// orchestrators (or test runs) can share one daemon without collecting each other's
    /// engines as orphans.
    var instance: String?
    var publishHost = "127.0.0.1"
    var portMin = 9001
    var portMax = 9999
    var catalogPath: String?
    var healthInterval = 30
    var healthTimeout = 10
    var healthMaxFailures = 3
    var restartBase = 10
    var restartMax = 300
    var restartMaxAttempts = 8
    var bootTimeout = 60
    var stopGrace = 30
    var resyncInterval = 30
    var idleSweepInterval = 30
    var workers = 16
    var logLevel = "info"
    /// `ORCH_ALLOWED_IMAGES`: the images products may pin (see `ImagePolicy`).
    var allowedImages: String?
    /// `ORCH_ENGINE_LOG_MAX_BYTES`: a process engine's `engine.log` is rotated past this size
    /// (one older file is kept).
    var engineLogMaxBytes = 10 << 20
    var auditRetentionDays = 90
    var changesRetained = 100_000
    // Tenant isolation (issue 10): container limits, watch and connection caps, default quotas.
    var engineMemoryMB = 1024
    var engineCPUs = 1.0
    var enginePidsLimit = 256
    var engineUser: String?
    var maxWatchesPerProduct = 20
    var maxWatches = 500
    var maxConnections = 2048
    var httpIdleTimeout = 75
    var defaultMaxEngines: Int?
    var defaultRateLimitRPM: Int?
    var maxEngines: Int?

    /// Reads the environment. Unknown values of enumerated settings and non-numbers are errors
    /// naming the variable (never echoing a secret's value).
    static func fromEnvironment(_ env: [String: String]) throws -> ServeConfiguration {
        var c = ServeConfiguration()
        c.host = env["ORCH_HOST"] ?? c.host
        c.port = try int(env, "ORCH_HTTP_PORT", c.port, 1...65535)
        c.databaseURL = env["ORCH_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        c.dataDirectory = env["ORCH_DATA_DIR"] ?? c.dataDirectory
        if let backend = env["ORCH_ENGINE_BACKEND"], !backend.isEmpty {
            // The original calls the process backend `subprocess`.
            switch backend {
            case "docker": c.backend = .docker
            case "process", "subprocess": c.backend = .process
            default: throw ConfigurationError("ORCH_ENGINE_BACKEND must be docker, process or subprocess")
            }
        }
        c.adminKey = env["ORCH_ADMIN_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        c.masterKey = env["ORCH_MASTER_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        c.engineImage = env["ORCH_ENGINE_IMAGE"].flatMap { $0.isEmpty ? nil : $0 }
        c.engineCommand = env["ORCH_ENGINE_COMMAND"].flatMap { $0.isEmpty ? nil : $0 }
        c.passthroughNames = (env["ORCH_ENGINE_ENV_PASSTHROUGH"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        c.network = env["ORCH_ENGINE_NETWORK"].flatMap { $0.isEmpty ? nil : $0 }
        c.instance = env["ORCH_INSTANCE"].flatMap { $0.isEmpty ? nil : $0 }
        c.publishHost = env["ORCH_PUBLISH_HOST"] ?? c.publishHost
        c.portMin = try int(env, "ORCH_PORT_MIN", c.portMin, 1...65535)
        c.portMax = try int(env, "ORCH_PORT_MAX", c.portMax, 1...65535)
        c.catalogPath = env["ORCH_CATALOG_MOUNT_PATH"].flatMap { $0.isEmpty ? nil : $0 }
        c.healthInterval = try int(env, "ORCH_HEALTH_CHECK_INTERVAL_S", c.healthInterval, 1...86_400)
        c.healthTimeout = try int(env, "ORCH_HEALTH_CHECK_TIMEOUT_S", c.healthTimeout, 1...3600)
        c.healthMaxFailures = try int(env, "ORCH_HEALTH_MAX_FAILURES", c.healthMaxFailures, 1...1000)
        c.restartBase = try int(env, "ORCH_RESTART_BACKOFF_BASE_S", c.restartBase, 0...86_400)
        c.restartMax = try int(env, "ORCH_RESTART_BACKOFF_MAX_S", c.restartMax, 0...86_400)
        c.restartMaxAttempts = try int(env, "ORCH_RESTART_MAX_ATTEMPTS", c.restartMaxAttempts, 0...10_000)
        c.bootTimeout = try int(env, "ORCH_BOOT_TIMEOUT_S", c.bootTimeout, 1...3600)
        c.stopGrace = try int(env, "ORCH_STOP_GRACE_S", c.stopGrace, 0...3600)
        c.resyncInterval = try int(env, "ORCH_RESYNC_INTERVAL_S", c.resyncInterval, 1...86_400)
        c.idleSweepInterval = try int(env, "ORCH_IDLE_SWEEP_INTERVAL_S", c.idleSweepInterval, 1...86_400)
        c.workers = try int(env, "ORCH_WORKERS", c.workers, 1...1024)
        c.logLevel = env["ORCH_LOG_LEVEL"] ?? c.logLevel
        c.allowedImages = env["ORCH_ALLOWED_IMAGES"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        c.engineLogMaxBytes = try int(env, "ORCH_ENGINE_LOG_MAX_BYTES", c.engineLogMaxBytes, 65_536...(1 << 40))
        _ = try c.imagePolicy()
        c.auditRetentionDays = try int(env, "ORCH_AUDIT_RETENTION_DAYS", c.auditRetentionDays, 1...36_500)
        c.changesRetained = try int(env, "ORCH_CHANGES_RETAINED", c.changesRetained, 1_000...100_000_000)
        c.engineMemoryMB = try int(env, "ORCH_ENGINE_MEMORY_MB", c.engineMemoryMB, 16...1_048_576)
        if let text = env["ORCH_ENGINE_CPUS"], !text.isEmpty {
            guard let cpus = Double(text), cpus >= 0.01, cpus <= 256 else { throw ConfigurationError("ORCH_ENGINE_CPUS must be a number from 0.01 to 256") }
            c.engineCPUs = cpus
        }
        c.enginePidsLimit = try int(env, "ORCH_ENGINE_PIDS_LIMIT", c.enginePidsLimit, 16...1_000_000)
        c.engineUser = env["ORCH_ENGINE_USER"].flatMap { $0.isEmpty ? nil : $0 }
        c.maxWatchesPerProduct = try int(env, "ORCH_MAX_WATCHES_PER_PRODUCT", c.maxWatchesPerProduct, 1...100_000)
        c.maxWatches = try int(env, "ORCH_MAX_WATCHES", c.maxWatches, 1...1_000_000)
        c.maxConnections = try int(env, "ORCH_MAX_CONNECTIONS", c.maxConnections, 1...1_000_000)
        c.httpIdleTimeout = try int(env, "ORCH_HTTP_IDLE_TIMEOUT_S", c.httpIdleTimeout, 1...86_400)
        c.defaultMaxEngines = try optionalInt(env, "ORCH_DEFAULT_MAX_ENGINES", 0...10_000_000)
        c.defaultRateLimitRPM = try optionalInt(env, "ORCH_DEFAULT_RATE_LIMIT_RPM", 1...10_000_000)
        c.maxEngines = try optionalInt(env, "ORCH_MAX_ENGINES", 0...100_000_000)
        guard c.portMin <= c.portMax else { throw ConfigurationError("ORCH_PORT_MIN must not exceed ORCH_PORT_MAX") }
        return c
    }

    static func int(_ env: [String: String], _ name: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
        guard let text = env[name], !text.isEmpty else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// What the API lets a product pin: `ORCH_ALLOWED_IMAGES` when set; otherwise on Docker
    /// any tag of the engine image's repository, and on the process driver (where an image is
    /// only a label; the command is always `ORCH_ENGINE_COMMAND`) any valid reference.
    func imagePolicy() throws -> ImagePolicy {
        do {
            if let allowedImages { return try ImagePolicy(allowing: allowedImages) }
            return backend == .docker ? try ImagePolicy.anyTag(of: defaultImage) : .anyReference
        } catch let error as ValidationError {
            throw ConfigurationError("\(error.field) \(error.message)")
        }
    }

    static func optionalInt(_ env: [String: String], _ name: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = env[name], !text.isEmpty else { return nil }
        return try int(env, name, 0, range)
    }

    /// The engine image (or, for the process driver, the label that stands for the command).
    var defaultImage: String {
        engineImage ?? (backend == .docker ? "september-engine:latest" : "example-engine")
    }
}

/// A configuration problem, said in one line that names the setting.
struct ConfigurationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
