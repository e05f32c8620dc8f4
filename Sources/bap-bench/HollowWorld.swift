import API
import AsyncHTTPClient
import Controller
import DesiredState
import Drivers
import Foundation
import Hummingbird
import Logging

/// The pieces of the hollow run: store, Hollow driver, controllers and the API, in-process.
struct HollowWorld: Sendable {
    let store: TimingStore
    let driver: HollowDriver
    let keys: EngineKeyDeriver
    let settings: HollowSettings
    let logger: Logger

    /// Products `p-0`…, engines `u-<product>-<i>`, all awake; one `Store.apply` per product.
    /// Returns the platform key of `p-0`.
    func populate() async throws -> String {
        let perProduct = settings.engines / settings.products
        let key = SecretHash.newPlatformKey()
        for p in 0..<settings.products {
            let slug = "p-\(p)"
            let count = p == settings.products - 1 ? settings.engines - perProduct * (settings.products - 1) : perProduct
            let policy = Policy(autoProvision: false, autoWake: true)
            let batch = ApplyBatch(
                products: [ProductUpsert(slug: slug, displayName: slug, policy: policy, newKeyHash: SecretHash.sha256Hex(p == 0 ? key : SecretHash.newPlatformKey()))],
                engines: (0..<count).map { EngineUpsert(productSlug: slug, userID: "u-\(p)-\($0)", spec: EngineSpec(state: .awake)) }
            )
            _ = try await store.apply(batch, dryRun: false, keyVersion: keys.currentVersion, now: Date())
        }
        return key
    }

    /// A controller in its own task; the same holder id every time, so a new one takes the
    /// lease at once (a new leadership term = a full resync).
    func startController() -> Task<Void, Never> {
        let restart = RestartPolicy(backoff: Backoff(base: .seconds(1), max: .seconds(10)), maxAttempts: 8)
        let controller = Controller(
            store: store, driver: driver, builder: RuntimeSpecBuilder(defaultImage: "hollow:1", keys: keys),
            configuration: ControllerConfiguration(
                workers: settings.workers, resyncInterval: .seconds(settings.resyncInterval), healthInterval: .seconds(30),
                planner: PlannerSettings(restart: restart, stopGrace: .seconds(1), bootTimeout: .seconds(60)), holderID: HollowScale.holder
            ),
            probe: { _ in .ready }, logger: logger
        )
        return Task { try? await controller.run() }
    }

    func waitRunning(_ n: Int, limit: Duration) async -> Bool {
        var last = 0
        return await ServerAPI.poll(every: .milliseconds(250), limit: limit) {
            let running = try await store.phaseCounts(productID: nil)[.running] ?? 0
            if running / 10_000 != last / 10_000 { FileHandle.standardError.write(Data("bap-bench: \(running) running\n".utf8)) }
            last = running
            return running >= n
        }
    }

    /// True once no reconcile finished for 3 s in a row.
    func quiesce(limit: Duration) async -> Bool {
        var last = CountingMetrics.shared.count(HollowScale.reconcileTimer)
        var quietSince = ContinuousClock.now
        return await ServerAPI.poll(every: .milliseconds(250), limit: limit) {
            let now = CountingMetrics.shared.count(HollowScale.reconcileTimer)
            if now != last { last = now; quietSince = .now }
            return ContinuousClock.now - quietSince >= .seconds(3)
        }
    }

    /// What a resync reads: the driver's list and every engine row, narrow.
    func relist() async throws -> Duration {
        try await timed {
            _ = try await driver.list()
            _ = try await store.engineSummaries()
        }.1
    }

    /// Crashes `fraction` of the engines (never those of product `sparing`), spread evenly over
    /// `seconds`. Returns how many crashed.
    func churn(fraction: Double, seconds: Int, sparing slug: String) async throws -> Int {
        let spared = try await store.product(slug: slug)?.id
        var victims: [UUID] = []
        var offset = 0
        let wanted = Int(Double(settings.engines) * fraction)
        while victims.count < wanted {
            let page = try await store.listEngines(EngineQuery(limit: 5000, offset: offset))
            if page.engines.isEmpty { break }
            offset += page.engines.count
            victims += page.engines.filter { $0.productID != spared }.map(\.id)
        }
        victims = Array(victims.shuffled().prefix(wanted))
        guard !victims.isEmpty else { return 0 }
        let gap = Duration.seconds(Double(seconds) / Double(victims.count))
        for id in victims {
            await driver.crash(id)
            try await Task.sleep(for: gap)
        }
        return victims.count
    }

    /// Runs the API on loopback for `body`.
    func withAPI(_ body: (ServerAPI) async throws -> Void) async throws {
        let app = buildApplication(
            store: store, configuration: APIConfiguration(adminKey: "bench-admin", keys: keys, defaultImage: "hollow:1"),
            server: ApplicationConfiguration(address: .hostname("127.0.0.1", port: settings.apiPort), serverName: "bap-bench"),
            logger: logger
        )
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2), read: .seconds(60)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 72)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let api = ServerAPI(client: client, base: "http://127.0.0.1:\(settings.apiPort)", adminKey: "bench-admin")
        let server = Task { try? await app.run() }
        do {
            _ = await ServerAPI.poll(limit: .seconds(10)) { try await api.call(.GET, "/health", timeout: 2).status == 200 }
            try await body(api)
        } catch {
            server.cancel()
            try? await client.shutdown()
            throw error
        }
        server.cancel()
        await server.value
        try await client.shutdown()
    }
}

/// Closed-loop admit load: 64 clients, random users, for a fixed time.
enum HollowLoad {
    struct Result { var latencies: Latencies; var failures: Int; var throughput: Double }

    static func admits(api: ServerAPI, key: String, users: [String], seconds: Int, clients: Int = 64) async -> Result {
        let deadline = ContinuousClock.now + .seconds(seconds)
        let (latencies, failures) = await withTaskGroup(of: (Latencies, Int).self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var latencies = Latencies()
                    var failures = 0
                    while ContinuousClock.now < deadline, let user = users.randomElement() {
                        let (answer, took) = await timed { try? await api.admit(user, key: key, autoWake: true) }
                        if answer?.admitted == true { latencies.record(took) } else { failures += 1 }
                    }
                    return (latencies, failures)
                }
            }
            var all = (Latencies(), 0)
            for await (l, f) in group { all.0.merge(l); all.1 += f }
            return all
        }
        return Result(latencies: latencies, failures: failures, throughput: Double(latencies.count) / Double(seconds))
    }
}
