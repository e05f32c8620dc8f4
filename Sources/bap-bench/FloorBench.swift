import AsyncHTTPClient
import Foundation

/// The cases of `scripts/bench`: each figure of a running orchestrator next to its floor
/// (dockerd or Postgres with nothing in between), measured in the same run.
struct FloorBench: Sendable {
    let api: ServerAPI
    let docker: DockerAPI
    let health: HealthWaiter
    let image: String
    let sizes: BenchSizes
    let table: ResultTable
    let pgbench: PgBench?
    let serverPID: Int32?
    /// Host ports for the floor's own containers (the server's range is elsewhere).
    let floorPorts: ClosedRange<Int>

    func log(_ message: String) { FileHandle.standardError.write(Data("bap-bench: \(message)\n".utf8)) }

    func runAll() async throws {
        try await admit()
        try await wake()
        try await lightSleep()
        try await provision()
        try await converge()
        try await crashDetection()
        try await idle()
    }

    // MARK: admit

    /// Awake engine, `admitClients` clients for `admitSeconds`, against `pgbench -S` with as many clients.
    func admit() async throws {
        let keys = try await api.apply(Fleet.product("bench-admit", sleepMode: "stop") + Fleet.engine("bench-admit", "hot"))
        guard let key = keys["bench-admit"] else { throw ServerAPI.Failure(description: "no platform key for bench-admit (left over from an earlier run?)") }
        _ = try await waitAdmitted("hot", key: key)
        log("admit: \(sizes.admitClients) clients for \(sizes.admitSeconds) s")
        let deadline = ContinuousClock.now + .seconds(sizes.admitSeconds)
        let results = await withTaskGroup(of: (Latencies, Int).self) { group in
            for _ in 0..<sizes.admitClients {
                group.addTask {
                    var latencies = Latencies()
                    var errors = 0
                    while ContinuousClock.now < deadline {
                        let (answer, took) = await timed { try? await api.admit("hot", key: key) }
                        if answer?.status == 200, answer?.admitted == true { latencies.record(took) } else { errors += 1 }
                    }
                    return (latencies, errors)
                }
            }
            var all = (Latencies(), 0)
            for await (l, e) in group { all.0.merge(l); all.1 += e }
            return all
        }
        let throughput = Double(results.0.count) / Double(sizes.admitSeconds)
        var floor: PgBench.Result?
        if let pgbench {
            log("pgbench -S -c \(sizes.admitClients) -T \(sizes.admitSeconds)")
            do { floor = try pgbench.run(clients: sizes.admitClients, seconds: sizes.admitSeconds) } catch { log("pgbench failed: \(error)") }
        }
        let errNote = results.1 > 0 ? "\(results.1) admits failed or were not admitted" : nil
        await table.add(ResultRow(section: "admit awake, \(sizes.admitClients) clients", name: "throughput", unit: "req/s", ours: throughput, floor: floor?.tps,
                                  goal: "≥ 0.3 × pgbench TPS", met: floor.map { throughput >= 0.3 * $0.tps }, note: errNote))
        await table.add(ResultRow(section: "admit awake, \(sizes.admitClients) clients", name: "p50", unit: "ms", ours: results.0.ms(50), floor: floor?.latencyMs,
                                  note: "floor: pgbench average latency (it reports no percentiles)"))
        await table.add(ResultRow(section: "admit awake, \(sizes.admitClients) clients", name: "p99", unit: "ms", ours: results.0.ms(99), floor: nil,
                                  goal: "≤ 5 ms", met: results.0.ms(99).map { $0 <= 5 }))
    }

    /// Admits `user` (waiting for Ready) and returns its URL.
    func waitAdmitted(_ user: String, key: String, autoProvision: Bool = false) async throws -> String {
        for _ in 0..<3 {
            let answer = try await api.admit(user, key: key, autoWake: true, autoProvision: autoProvision)
            if answer.admitted, let url = answer.url { return url }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw ServerAPI.Failure(description: "\(user) was not admitted")
    }

    // MARK: converge

    /// `converge` engines applied at once until all run, against the same number of create+start
    /// issued straight to dockerd at the best parallelism tried.
    func converge() async throws {
        let n = sizes.converge
        var best: Double?
        var bestP = 0
        for p in sizes.floorParallelism {
            log("converge floor: \(n) create+start → healthy, \(p) at a time")
            let (_, took) = try await timed { try await floorFleet(n, parallelism: p) }
            await docker.removeAll()
            if best == nil || took.seconds < best! { best = took.seconds; bestP = p }
        }
        log("converge: apply \(n) engines")
        let start = ContinuousClock.now
        let keys = try await api.apply(Fleet.product("bench-fleet", sleepMode: "stop") + Fleet.engineSet("bench-fleet", prefix: "fleet-", count: n))
        guard let key = keys["bench-fleet"] else { throw ServerAPI.Failure(description: "no platform key for bench-fleet") }
        let done = await ServerAPI.poll(every: .milliseconds(50), limit: .seconds(600)) { try await api.phases(key: key)["running"] == n }
        let ours = (ContinuousClock.now - start).seconds
        await table.add(ResultRow(section: "converge \(n) awake engines", name: "apply → all running", unit: "s", ours: done ? ours : nil, floor: best,
                                  goal: "≤ 1.3 × floor", met: best.map { done && ours <= 1.3 * $0 },
                                  note: "floor: \(n) create+start → healthy straight to dockerd, best of parallelism \(sizes.floorParallelism) was \(bestP)" + (done ? "" : "; did NOT converge within 600 s")))
    }

    /// Creates and starts `n` containers, `parallelism` at a time, each until healthy.
    func floorFleet(_ n: Int, parallelism: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func launch() {
                let i = next
                next += 1
                group.addTask {
                    let port = floorPorts.lowerBound + 100 + i
                    // Named per round: a container of the previous round still being removed
                    // must not clash with this one.
                    let id = try await docker.create(name: "bap-bench-fleet-p\(parallelism)-\(i)", image: image, port: port)
                    try await docker.start(id)
                    guard await health.wait("http://127.0.0.1:\(port)") else { throw ServerAPI.Failure(description: "floor container \(i) never healthy") }
                }
            }
            while next < min(parallelism, n) { launch() }
            while try await group.next() != nil { if next < n { launch() } }
        }
    }

    // MARK: idle

    /// CPU and RSS of the orchestrator while the converged fleet idles.
    func idle() async throws {
        guard let pid = serverPID, let a = ProcessStats.read(pid: pid) else {
            log("idle: no server pid given (--server-pid); skipped")
            return
        }
        log("idle: \(sizes.idleSeconds) s")
        try await Task.sleep(for: .seconds(sizes.idleSeconds))
        guard let b = ProcessStats.read(pid: pid) else { return }
        let cpu = ProcessStats.cpuPercent(a, b, seconds: Double(sizes.idleSeconds))
        let section = "idle \(sizes.converge + 3) engines, \(sizes.idleSeconds) s"
        await table.add(ResultRow(section: section, name: "orchestrator CPU", unit: "% core", ours: cpu, floor: nil, goal: "≤ 2 %", met: cpu <= 2))
        await table.add(ResultRow(section: section, name: "orchestrator RSS", unit: "MB", ours: b.rssMB, floor: nil))
    }
}
