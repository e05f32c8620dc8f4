import API
import Controller
import DesiredState
import Drivers
import Foundation
import Hummingbird
import Logging
import Metrics
import PostgresBackend

/// Issue #7 §2: the controller in-process on the Hollow driver against Postgres. Measures
/// converge from empty, a full resync, reconciles/s, status-write latency, RSS, idle CPU and
/// admit latency while 1 % of the engines churn. The process holds the controller, the API
/// and the Hollow runtime's table: its RSS and CPU are the orchestrator's plus that table.
struct HollowScale: Sendable {
    let pgURL: String
    let settings: HollowSettings
    let table: ResultTable
    static let reconcileTimer = "bap_reconcile_duration_seconds"
    static let resyncTimer = "bap_resync_duration_seconds"
    static let holder = "bap-bench-hollow"

    func log(_ message: String) { FileHandle.standardError.write(Data("bap-bench: \(message)\n".utf8)) }

    func run() async throws {
        MetricsSystem.bootstrap(CountingMetrics.shared)
        var logger = Logger(label: "bap-bench.hollow")
        logger.logLevel = .warning
        let store = TimingStore(try PostgresStore(url: pgURL, maxConnections: 40, logger: logger))
        let keys = EngineKeyDeriver(keyring: try MasterKeyring(parsing: MasterKeyring.generateKeyText()))
        var hollow = settings.dockerLike ? HollowDriverConfiguration.dockerLike : HollowDriverConfiguration()
        hollow.portRange = 10_000...(10_000 + 2 * settings.engines)  // Fake URLs: no port is bound.
        let world = HollowWorld(store: store, driver: HollowDriver(configuration: hollow), keys: keys, settings: settings, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            try await measure(world)
        }
    }

    private func measure(_ world: HollowWorld) async throws {
        let n = settings.engines
        let section = "hollow \(n) engines"
        let (platformKey, populate) = try await timed { try await world.populate() }
        await table.add(ResultRow(section: section, name: "write desired state (apply, 1 tx per product)", unit: "s", ours: populate.seconds, floor: nil))

        // 1. Converge from empty.
        log("hollow: converging \(n) engines")
        var controller = world.startController()
        let reconcilesBefore = CountingMetrics.shared.count(Self.reconcileTimer)
        let (converged, convergeTime) = await timed { await world.waitRunning(n, limit: .seconds(3600)) }
        let reconciles = CountingMetrics.shared.count(Self.reconcileTimer) - reconcilesBefore
        let writes = world.store.takeStatusWrites()
        await table.add(ResultRow(section: section, name: "converge from empty → all running", unit: "s", ours: converged ? convergeTime.seconds : nil, floor: nil,
                                  note: converged ? nil : "did NOT converge within the limit"))
        await table.add(ResultRow(section: section, name: "reconciles/s while converging", unit: "/s", ours: Double(reconciles) / convergeTime.seconds, floor: nil,
                                  note: "\(reconciles) reconciles, \(settings.workers) workers"))
        await table.add(ResultRow(section: section, name: "status write p50", unit: "ms", ours: writes.ms(50), floor: nil))
        await table.add(ResultRow(section: section, name: "status write p99", unit: "ms", ours: writes.ms(99), floor: nil, note: "\(writes.count) writes"))
        if let rss = ProcessStats.read(pid: getpid())?.rssMB {
            await table.add(ResultRow(section: section, name: "RSS after converge", unit: "MB", ours: rss, floor: nil, goal: "≤ 300 MB", met: rss <= 300))
        }

        // 2. Full resync: a new leadership term lists every runtime, reads every desired row
        // (narrow), diffs them and hands the running engines to the prober; for a converged
        // fleet it queues nothing. Timed from the new controller's start to its first resync
        // done (lease acquisition included).
        let relist = try await world.relist()
        await table.add(ResultRow(section: section, name: "relist (driver list + narrow read of every row)", unit: "s", ours: relist.seconds, floor: nil))
        controller.cancel()
        await controller.value
        log("hollow: full resync")
        let before = CountingMetrics.shared.count(Self.reconcileTimer)
        let resyncsBefore = CountingMetrics.shared.count(Self.resyncTimer)
        let (resynced, resyncTime) = await timed { () async -> Bool in
            controller = world.startController()
            return await ServerAPI.poll(every: .milliseconds(10), limit: .seconds(1800)) {
                CountingMetrics.shared.count(Self.resyncTimer) > resyncsBefore
            }
        }
        _ = world.store.takeStatusWrites()
        await table.add(ResultRow(section: section, name: "full resync (new term → every engine diffed, running ones probed)", unit: "s", ours: resynced ? resyncTime.seconds : nil, floor: nil,
                                  goal: "≤ 2 s", met: resynced && resyncTime.seconds <= 2,
                                  note: resynced ? "\(CountingMetrics.shared.count(Self.reconcileTimer) - before) reconciles queued by it" : "did not finish within the limit"))

        // 3. Idle: nothing changes. A new term's first probes are health changes that queue
        // every engine once more: wait until no reconcile happened for 3 s first.
        let (settled, settle) = await timed { await world.quiesce(limit: .seconds(900)) }
        await table.add(ResultRow(section: section, name: "after the resync: until no reconcile for 3 s", unit: "s", ours: settled ? settle.seconds : nil, floor: nil,
                                  note: settled ? "\(CountingMetrics.shared.count(Self.reconcileTimer) - before) reconciles since the new term began" : "never quiet within 900 s"))
        log("hollow: idle \(settings.idleSeconds) s")
        let idleBefore = CountingMetrics.shared.count(Self.reconcileTimer)
        if let a = ProcessStats.read(pid: getpid()) {
            try await Task.sleep(for: .seconds(settings.idleSeconds))
            if let b = ProcessStats.read(pid: getpid()) {
                let cpu = ProcessStats.cpuPercent(a, b, seconds: Double(settings.idleSeconds))
                await table.add(ResultRow(section: section, name: "idle CPU (\(settings.idleSeconds) s, resync every \(settings.resyncInterval) s)", unit: "% core", ours: cpu, floor: nil,
                                          goal: "≤ 2 %", met: cpu <= 2, note: "\(CountingMetrics.shared.count(Self.reconcileTimer) - idleBefore) reconciles while idle"))
                await table.add(ResultRow(section: section, name: "RSS idle", unit: "MB", ours: b.rssMB, floor: nil, goal: "≤ 300 MB", met: b.rssMB <= 300))
            }
        }

        // 4. Admit latency while 1 % churns (baseline first: the same load without churn).
        try await world.withAPI { api in
            let users = (0..<min(1000, n / settings.products)).map { "u-0-\($0)" }
            log("hollow: admit baseline \(settings.churnSeconds / 2) s")
            let quiet = await HollowLoad.admits(api: api, key: platformKey, users: users, seconds: max(2, settings.churnSeconds / 2))
            log("hollow: admit with 1 % churn \(settings.churnSeconds) s")
            async let churn: Int = world.churn(fraction: 0.01, seconds: settings.churnSeconds, sparing: "p-0")
            let busy = await HollowLoad.admits(api: api, key: platformKey, users: users, seconds: settings.churnSeconds)
            let crashed = try await churn
            await table.add(ResultRow(section: section, name: "admit p50, 64 clients (floor: no churn)", unit: "ms", ours: busy.latencies.ms(50), floor: quiet.latencies.ms(50)))
            await table.add(ResultRow(section: section, name: "admit p99 while 1 % churn (floor: no churn)", unit: "ms", ours: busy.latencies.ms(99), floor: quiet.latencies.ms(99),
                                      note: "\(crashed) engines crashed and restarted during the window; \(busy.latencies.count) admits at \(Int(busy.throughput))/s (\(Int(quiet.throughput))/s quiet), \(busy.failures) not admitted"))
        }
        controller.cancel()
        await controller.value
    }
}
