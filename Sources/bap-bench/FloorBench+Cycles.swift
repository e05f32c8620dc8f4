import Foundation
import NIOHTTP1

/// The per-engine cycles: wake, light sleep, cold provision, crash detection.
extension FloorBench {
    // MARK: wake (sleep_mode stop)

    func wake() async throws {
        let section = "wake (stop → admit → /health)"
        let (ours, _) = try await sleepWakeCycles(product: "bench-wake", mode: "stop")
        log("wake floor: docker stop; docker start → /health, \(sizes.wakes)×")
        let port = floorPorts.lowerBound
        let id = try await docker.create(name: "bap-bench-wake", image: image, port: port)
        try await docker.start(id)
        _ = await health.wait("http://127.0.0.1:\(port)")
        var floor = Latencies()
        for _ in 0..<sizes.wakes {
            try await docker.stop(id)
            let (ok, took) = try await timed { try await docker.start(id); return await health.wait("http://127.0.0.1:\(port)") }
            if ok { floor.record(took) }
        }
        try await docker.remove(id)
        await addPair(section, ours, floor, goalP50: "≤ 1.1 × floor + 20 ms") { o, f in o <= 1.1 * f + 20 }
    }

    // MARK: light sleep (sleep_mode pause)

    func lightSleep() async throws {
        let section = "light sleep (pause → admit → /health)"
        let (ours, _) = try await sleepWakeCycles(product: "bench-pause", mode: "pause")
        log("light sleep floor: docker pause; docker unpause → /health, \(sizes.wakes)×")
        let port = floorPorts.lowerBound + 1
        let id = try await docker.create(name: "bap-bench-pause", image: image, port: port)
        try await docker.start(id)
        _ = await health.wait("http://127.0.0.1:\(port)")
        var floor = Latencies()
        for _ in 0..<sizes.wakes {
            try await docker.pause(id)
            let (ok, took) = try await timed { try await docker.unpause(id); return await health.wait("http://127.0.0.1:\(port)") }
            if ok { floor.record(took) }
        }
        try await docker.remove(id)
        await addPair(section, ours, floor, goalP50: "≤ 50 ms") { o, _ in o <= 50 }
    }

    /// Puts one engine to sleep (`/v1 …/sleep`, waiting for phase `sleeping`), then times admit
    /// with auto-wake until its `/health` answers, `wakes` times.
    func sleepWakeCycles(product: String, mode: String) async throws -> (Latencies, String) {
        let keys = try await api.apply(Fleet.product(product, sleepMode: mode) + Fleet.engine(product, "\(product)-u"))
        guard let key = keys[product] else { throw ServerAPI.Failure(description: "no platform key for \(product)") }
        let user = "\(product)-u"
        var url = try await waitAdmitted(user, key: key)
        log("\(product): \(sizes.wakes) sleep/wake cycles (\(mode))")
        var ours = Latencies()
        for _ in 0..<sizes.wakes {
            try await api.sleep(product: product, user: user)
            let slept = await ServerAPI.poll(limit: .seconds(60)) {
                let status = try await api.engine(product: product, user: user)?["status"] as? [String: Any]
                return status?["phase"] as? String == "sleeping"
            }
            guard slept else { throw ServerAPI.Failure(description: "\(user) never reached phase sleeping") }
            let (ok, took) = try await timed { () async throws -> Bool in
                let answer = try await api.admit(user, key: key, autoWake: true)
                guard answer.admitted, let u = answer.url else { return false }
                url = u
                return await health.wait(u)
            }
            if ok { ours.record(took) } else { log("\(user): a wake failed") }
        }
        return (ours, url)
    }

    // MARK: cold provision

    func provision() async throws {
        let section = "cold provision (admit auto_provision → /health)"
        let keys = try await api.apply(Fleet.product("bench-prov", sleepMode: "stop"))
        guard let key = keys["bench-prov"] else { throw ServerAPI.Failure(description: "no platform key for bench-prov") }
        log("provision: \(sizes.provisions) engines one after another")
        var ours = Latencies()
        for i in 0..<sizes.provisions {
            let (ok, took) = try await timed { () async throws -> Bool in
                let url = try await waitAdmitted("prov-\(i)", key: key, autoProvision: true)
                return await health.wait(url)
            }
            if ok { ours.record(took) }
        }
        log("provision floor: docker create + start → /health, \(sizes.provisions)×")
        var floor = Latencies()
        for i in 0..<sizes.provisions {
            let port = floorPorts.lowerBound + 2 + i
            let (ok, took) = try await timed { () async throws -> Bool in
                let id = try await docker.create(name: "bap-bench-prov-\(i)", image: image, port: port)
                try await docker.start(id)
                return await health.wait("http://127.0.0.1:\(port)")
            }
            if ok { floor.record(took) }
        }
        await docker.removeAll()
        await addPair(section, ours, floor, goalP50: "≤ 1.1 × floor + 50 ms") { o, f in o <= 1.1 * f + 50 }
    }

    // MARK: crash detection

    /// `docker kill` of a running fleet engine until its status shows it (phase leaves
    /// `running`, Ready turns false, or the restart count moves).
    func crashDetection() async throws {
        let n = min(sizes.crashes, sizes.converge)
        log("crash detection: \(n) kills")
        var ours = Latencies()
        for i in 1...n {
            let user = "fleet-\(i)"
            guard let before = try await api.engine(product: "bench-fleet", user: user)?["status"] as? [String: Any],
                  let id = try await docker.containers(label: "bap.user=\(user)").first else { continue }
            let restarts = before["total_restarts"] as? Int ?? 0
            let (seen, took) = try await timed { () async throws -> Bool in
                try await docker.kill(id)
                return await ServerAPI.poll(every: .milliseconds(5), limit: .seconds(120)) {
                    let s = try await api.engine(product: "bench-fleet", user: user)?["status"] as? [String: Any]
                    let ready = (s?["conditions"] as? [[String: Any]])?.first { $0["type"] as? String == "Ready" }?["status"] as? String
                    return s?["phase"] as? String != "running" || ready != "True" || (s?["total_restarts"] as? Int ?? 0) > restarts
                }
            }
            if seen { ours.record(took) }
        }
        // Let the killed engines come back before the idle measurement.
        _ = await ServerAPI.poll(every: .milliseconds(200), limit: .seconds(120)) {
            try await fleetRunning() ?? true
        }
        await table.add(ResultRow(section: "crash detection (docker kill → status)", name: "p50", unit: "ms", ours: ours.ms(50), floor: nil,
                                  note: "the original needed up to 90 s; \(ours.count) of \(n) kills seen"))
    }

    /// True once every fleet engine runs again (nil when that cannot be read).
    private func fleetRunning() async throws -> Bool? {
        let answer = try await api.call(.GET, "/v1/products/bench-fleet/engines?limit=1000", timeout: 10)
        guard let items = answer.json?["items"] as? [[String: Any]] ?? answer.json?["engines"] as? [[String: Any]] else { return nil }
        return items.allSatisfy { (($0["status"] as? [String: Any])?["phase"] as? String) == "running" }
    }

    /// p50 and p95 rows for a figure of ours and its floor.
    func addPair(_ section: String, _ ours: Latencies, _ floor: Latencies, goalP50: String, _ goal: (Double, Double) -> Bool) async {
        let met: Bool? = ours.ms(50).flatMap { o in floor.ms(50).map { f in goal(o, f) } }
        await table.add(ResultRow(section: section, name: "p50", unit: "ms", ours: ours.ms(50), floor: floor.ms(50), goal: goalP50, met: met,
                                  note: "\(ours.count) of ours, \(floor.count) of the floor"))
        await table.add(ResultRow(section: section, name: "p95", unit: "ms", ours: ours.ms(95), floor: floor.ms(95)))
    }
}
