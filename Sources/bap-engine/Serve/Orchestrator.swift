import API
import AsyncHTTPClient
import Controller
import DesiredState
import Drivers
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Metrics
import PostgresBackend
import Prometheus
import SQLiteBackend
import ServiceLifecycle

/// The one composition root: concrete store, driver, controller and API meet here and
/// nowhere else.
struct Orchestrator {
    let configuration: ServeConfiguration
    let environment: [String: String]
    let logger = Logger(label: "bap-engine")

    func run() async throws {
        let c = configuration
        // Before anything is created: the data dir holds keys, the store and every brain.
        DataDirectoryModes.restrictUmask()
        let repaired = DataDirectoryModes.repair(c.dataDirectory)
        if repaired > 0 { logger.notice("restricted file modes under the data directory to its owner", metadata: ["changed": "\(repaired)"]) }
        let secrets = try EmbeddedSecrets.resolve(c)
        let keyring = try MasterKeyring(parsing: secrets.masterKey)
        let keys = EngineKeyDeriver(keyring: keyring)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        ControllerMetrics().registerKnownSeries()  // every series deploy/ reads exists from the start

        let (store, storeHealth) = try await makeStore()
        let driver = try makeDriver()
        let probeClient = HTTPHealthProbe.makeClient(timeout: .seconds(c.healthTimeout))
        let probe = HTTPHealthProbe(client: probeClient, timeout: .seconds(c.healthTimeout))
        let controller = Controller(
            store: store, driver: driver,
            builder: RuntimeSpecBuilder(defaultImage: c.defaultImage, passthroughEnv: passthrough(), keys: keys),
            configuration: controllerConfiguration(), probe: { await probe($0) }, logger: Logger(label: "bap-engine.controller"),
            retention: RetentionSweeper(
                store: store, keepRevisions: Int64(c.changesRetained), auditRetention: .seconds(c.auditRetentionDays * 86_400),
                logger: Logger(label: "bap-engine.retention")
            )
        )
        var api = APIConfiguration(
            adminKey: secrets.adminKey, keys: keys, bootTimeout: .seconds(c.bootTimeout), defaultImage: c.defaultImage,
            engineLogs: { id, tail in try await driver.logs(id, tail: tail) }, imagePolicy: try c.imagePolicy(),
            // Legacy stop waits out the grace period plus 15 s for the controller to notice,
            // act and commit the stopped status.
            stopTimeout: .seconds(c.stopGrace + 15)
        )
        api.maxWatchesPerProduct = c.maxWatchesPerProduct
        api.maxWatches = c.maxWatches
        api.quota = EngineQuota(defaultMaxEngines: c.defaultMaxEngines, defaultRateLimitRPM: c.defaultRateLimitRPM, maxEngines: c.maxEngines)
        let app = buildApplication(
            store: store, configuration: api, storeHealth: storeHealth, registry: registry,
            server: ApplicationConfiguration(
                address: .hostname(c.host, port: c.port), serverName: "bap-engine",
                availableConnectionsDelegate: MaximumAvailableConnections(c.maxConnections, logger: logger)
            ),
            idleTimeout: .seconds(c.httpIdleTimeout)
        )
        announce(secrets: secrets)
        if c.databaseURL == nil { EmbeddedSecrets.writeEndpoint(c) }  // the CLI in this directory finds it
        // The one group, and the one owner of the signals. Graceful shutdown runs in reverse
        // order: the app stops accepting and drains, the controller stops (releasing its lease
        // through the store), then the store stops. The controller and app start once the
        // store is migrated.
        let migrated = MigrationGate()
        let group = ServiceGroup(configuration: .init(
            services: [
                MigratingStore(store: store, migrated: migrated),
                AfterMigration(name: "Controller", migrated: migrated, service: controller),
                AfterMigration(name: "HTTPServer", migrated: migrated, service: app, drain: .seconds(5)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        ))
        do {
            try await group.run()
        } catch {
            try? await probeClient.shutdown()
            throw error
        }
        try? await probeClient.shutdown()
    }

    /// The store, and how the API checks that it answers: Postgres can hang (PostgresNIO waits
    /// up to a minute for a connection to a database that is down), so it is pinged and told
    /// when it did not answer; the embedded SQLite store answers or fails in process (nil).
    func makeStore() async throws -> (any Store & StoreRetention, StoreHealthCheck?) {
        if let url = configuration.databaseURL {
            let postgres = try PostgresStore(url: url, maxConnections: 40, logger: Logger(label: "bap-engine.store"))
            let health = StoreHealthCheck(ping: { _ = try await postgres.currentRevision() }, onUnreachable: { postgres.noteUnreachable() })
            return (postgres, health)
        }
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        return (try await SQLiteStore.open(path: configuration.dataDirectory + "/bap.sqlite", logger: Logger(label: "bap-engine.store")), nil)
    }

    func makeDriver() throws -> any EngineDriver {
        let c = configuration
        switch c.backend {
        case .docker:
            let socket = DockerDriverConfiguration.socketPath(fromDockerHost: environment["DOCKER_HOST"]) ?? "/var/run/docker.sock"
            return DockerDriver(configuration: DockerDriverConfiguration(
                socketPath: socket, publishAddress: c.publishHost, portRange: c.portMin...c.portMax,
                network: c.network, catalogPath: c.catalogPath, scopeLabels: c.instance.map { ["bap.instance": $0] } ?? [:],
                networkPerProduct: true, defaultMemoryMB: c.engineMemoryMB, defaultCPUs: c.engineCPUs, pidsLimit: c.enginePidsLimit, user: c.engineUser
            ), logger: Logger(label: "bap-engine.docker"))
        case .process:
            return ProcessDriver(configuration: ProcessDriverConfiguration(
                dataRoot: c.dataDirectory + "/engines", executable: c.engineCommand ?? Self.bundledEngine(),
                portRange: c.portMin...c.portMax, bindAddress: c.publishHost, catalogPath: c.catalogPath,
                logMaxBytes: c.engineLogMaxBytes
            ), logger: Logger(label: "bap-engine.process"))
        }
    }

    /// `ExampleEngine` next to this executable (both come out of the same `swift build`).
    static func bundledEngine() -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("ExampleEngine").path
    }

    func passthrough() -> [String: String] {
        var env: [String: String] = [:]
        for name in configuration.passthroughNames { env[name] = environment[name] }
        return env
    }

    func controllerConfiguration() -> ControllerConfiguration {
        let c = configuration
        let restart = RestartPolicy(backoff: Backoff(base: .seconds(c.restartBase), max: .seconds(c.restartMax)), maxAttempts: c.restartMaxAttempts)
        return ControllerConfiguration(
            workers: c.workers, resyncInterval: .seconds(c.resyncInterval), healthInterval: .seconds(c.healthInterval),
            healthTimeout: .seconds(c.healthTimeout), idleSweepInterval: .seconds(c.idleSweepInterval),
            planner: PlannerSettings(restart: restart, stopGrace: .seconds(c.stopGrace), bootTimeout: .seconds(c.bootTimeout), maxLivenessFailures: c.healthMaxFailures)
        )
    }

    /// One startup line; the admin key only when it was generated just now (shown once).
    func announce(secrets: EmbeddedSecrets.Resolved) {
        let c = configuration
        let store = c.databaseURL == nil ? "sqlite \(c.dataDirectory)/bap.sqlite" : "postgres"
        print("bap-engine starting on http://\(c.host):\(c.port) (store: \(store), engines: \(c.backend.rawValue))")
        if secrets.newAdminKey {
            print("admin key (shown once; also saved in \(c.dataDirectory)/admin.key): \(secrets.adminKey)")
        }
        fflush(nil)  // nil: every output stream; `stdout` itself is not concurrency-safe to name
    }
}
