import Foundation
import TestSupport
import Testing
@testable import Drivers

/// Runtime isolation on real Docker (issue 10 item 6): a network per product, limits on every
/// container, no privilege gain, a non-root user, and a fork bomb that stays in its box.
@Suite("Docker runtime isolation", .serialized)
struct DockerIsolationTests {
    /// A driver with per-product networks over the harness's scope and ports.
    static func isolatingDriver(_ harness: DriverHarness, pidsLimit: Int = 64) throws -> DockerDriver {
        DockerDriver(configuration: .init(
            socketPath: try TestEnvironment.dockerSocket(), portRange: harness.portRange, scopeLabels: ["bap.test-run": harness.runID],
            networkPerProduct: true, defaultMemoryMB: 128, defaultCPUs: 0.5, pidsLimit: pidsLimit, user: "10001:10001"
        ))
    }

    static func spec(product: UUID, user: String, command: String, image: String, env: [String: String] = [:]) -> RuntimeSpec {
        RuntimeSpec(
            engineID: UUID(), productID: product, userID: user, image: image, env: env.merging(["BAP_TEST_CMD": command]) { a, _ in a },
            keyGeneration: 1, keyHash: String(repeating: "0", count: 64)
        )
    }

    /// Starts the spec's container and returns its engine id.
    static func run(_ driver: DockerDriver, _ spec: RuntimeSpec) async throws -> UUID {
        _ = try await driver.create(spec)
        try await driver.start(spec.engineID)
        return spec.engineID
    }

    /// Runs `body`; whatever happens, removes every engine of the driver's scope and then the
    /// product networks (a network goes only once its containers are gone).
    static func cleaning(_ driver: DockerDriver, _ body: () async throws -> Void) async throws {
        let outcome: Result<Void, any Error>
        do { try await body(); outcome = .success(()) } catch { outcome = .failure(error) }
        for engine in (try? await driver.list()) ?? [] { try? await driver.remove(engine.engineID, keepBrain: false) }
        try? await driver.collectGarbage(keepingProducts: [])
        try outcome.get()
    }

    /// Keeps the HTTP probe short: five tries of a 2 s connect each, then one verdict line.
    static let probe = """
        for i in 1 2 3 4 5; do \
        if printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 "$TARGET" 8000 2>/dev/null | grep -q 'HTTP/'; then echo VERDICT=REACHED; exit 0; fi; \
        sleep 1; done; echo VERDICT=UNREACHABLE
        """

    @Test("the first engines of a new product, created all at once, share one network of its name (and a duplicate left behind is removed)")
    func concurrentCreatesMakeOneNetwork() async throws {
        let image = try BusyboxImage.ensure()
        try await DriverHarness.with(.docker) { harness in
            let driver = try Self.isolatingDriver(harness)
            let client = DockerClient(socketPath: try TestEnvironment.dockerSocket())
            let product = UUID()
            let name = DockerLabels.networkName(product)
            func named() async throws -> [String] {
                let reply = try await client.send(.GET, "/networks", query: [("filters", #"{"name":["\#(name)"]}"#)])
                let list = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.readableBytesView)) as? [[String: Any]])
                return list.filter { $0["Name"] as? String == name }.compactMap { $0["Id"] as? String }
            }
            try await Self.cleaning(driver) {
                // Twelve creates at once, as sixteen reconcile workers do for a new product.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for i in 0..<12 {
                        group.addTask { _ = try await driver.create(Self.spec(product: product, user: "u\(i)", command: "sleep 60", image: image)) }
                    }
                    try await group.waitForAll()
                }
                #expect(try await named().count == 1, "one network named \(name)")

                // A duplicate made behind our back (an older version raced without the gate):
                // the next ensure keeps the oldest and removes the other.
                _ = try await client.send(.POST, "/networks/create", body: DockerNetworkBody(name: name, checkDuplicate: false, labels: [DockerLabels.managed: "true", DockerLabels.product: product.uuidString.lowercased(), "bap.test-run": harness.runID]))
                #expect(try await named().count == 2)
                _ = try await driver.create(Self.spec(product: product, user: "late", command: "sleep 60", image: image))
                #expect(try await named().count == 1)
            }
        }
    }

    @Test("product A's engine cannot open a TCP connection to product B's engine; B's own engine can; networks are collected")
    func productsCannotReachEachOther() async throws {
        let image = try BusyboxImage.ensure()
        try await DriverHarness.with(.docker) { harness in
            let driver = try Self.isolatingDriver(harness)
            let client = DockerClient(socketPath: try TestEnvironment.dockerSocket())
            let productA = UUID(), productB = UUID()
            try await Self.cleaning(driver) {
                // B's server: prints its uid, then serves HTTP on 8000 inside its container.
                let server = try await Self.run(driver, Self.spec(product: productB, user: "b-server", command: "id -u; httpd -f -p 8000 -h /tmp", image: image))
                let network = DockerLabels.networkName(productB)
                var address = ""
                try await eventually(timeout: .seconds(30), "B's container has an address on \(network)") {
                    let inspect = try await client.send(.GET, "/containers/\(DockerLabels.containerName(server))/json")
                    let json = try JSONSerialization.jsonObject(with: Data(inspect.body.readableBytesView)) as? [String: Any]
                    let networks = (json?["NetworkSettings"] as? [String: Any])?["Networks"] as? [String: Any]
                    address = ((networks?[network] as? [String: Any])?["IPAddress"] as? String) ?? ""
                    return !address.isEmpty
                }

                // The container runs as the configured user, with limits and no-new-privileges.
                let inspect = try await client.send(.GET, "/containers/\(DockerLabels.containerName(server))/json")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(inspect.body.readableBytesView)) as? [String: Any])
                let host = try #require(json["HostConfig"] as? [String: Any])
                #expect(host["PidsLimit"] as? Int == 64)
                #expect(host["Memory"] as? Int == 128 * 1024 * 1024)
                #expect(host["NanoCpus"] as? Int == 500_000_000)
                #expect((host["SecurityOpt"] as? [String])?.contains("no-new-privileges") == true)
                #expect(host["NetworkMode"] as? String == network)
                try await eventually(timeout: .seconds(20), "B's server printed its uid") { try await driver.logs(server, tail: 10).contains("10001") }

                // A probes B's address from A's network; B's second engine probes it from B's.
                let fromA = try await Self.run(driver, Self.spec(product: productA, user: "a-probe", command: Self.probe, image: image, env: ["TARGET": address]))
                let fromB = try await Self.run(driver, Self.spec(product: productB, user: "b-probe", command: Self.probe, image: image, env: ["TARGET": address]))
                var verdicts: [UUID: String] = [:]
                try await eventually(timeout: .seconds(60), "both probes gave a verdict") {
                    for id in [fromA, fromB] {
                        let log = try await driver.logs(id, tail: 20)
                        if let line = log.split(separator: "\n").first(where: { $0.hasPrefix("VERDICT=") }) { verdicts[id] = String(line) }
                    }
                    return verdicts.count == 2
                }
                #expect(verdicts[fromB] == "VERDICT=REACHED", "the control probe inside B's network must reach B (else the test proves nothing)")
                #expect(verdicts[fromA] == "VERDICT=UNREACHABLE", "product A reached product B's engine at \(address)")

                // A's engines gone: the controller's pass removes A's network and keeps B's.
                try await driver.remove(fromA, keepBrain: false)
                try await driver.collectGarbage(keepingProducts: [productB])
                #expect(try await client.send(.GET, "/networks/\(DockerLabels.networkName(productA))").status == 404)
                #expect(try await client.send(.GET, "/networks/\(network)").status == 200)
                // B's network still has containers: even when not kept, Docker refuses and it stays.
                try await driver.collectGarbage(keepingProducts: [])
                #expect(try await client.send(.GET, "/networks/\(network)").status == 200)
                for id in [server, fromB] { try await driver.remove(id, keepBrain: false) }
                try await driver.collectGarbage(keepingProducts: [])
                #expect(try await client.send(.GET, "/networks/\(network)").status == 404)
            }
        }
    }

    @Test("a fork-bomb engine stops at its pids limit and the host keeps answering")
    func forkBombHitsPidsLimit() async throws {
        let image = try BusyboxImage.ensure()
        let limit = 48
        try await DriverHarness.with(.docker) { harness in
            let driver = try Self.isolatingDriver(harness, pidsLimit: limit)
            let client = DockerClient(socketPath: try TestEnvironment.dockerSocket())
            try await Self.cleaning(driver) {
                // Bounded on purpose: at most 300 sleepers even if the limit did not hold. The shell
                // counts each fork it made; busybox sh gives up at the first refused fork.
                let bomb = "i=0; while [ $i -lt 300 ]; do sleep 600 & i=$((i+1)); echo FORKED $i; done; echo BOMB-DONE; wait"
                let id = try await Self.run(driver, Self.spec(product: UUID(), user: "bomb", command: bomb, image: image))
                var log = ""
                try await eventually(timeout: .seconds(60), "the bomb was refused a fork (or finished)") {
                    log = try await driver.logs(id, tail: 400)
                    return log.contains("can't fork") || log.contains("BOMB-DONE")
                }
                #expect(!log.contains("BOMB-DONE"), "all 300 forks succeeded: no pids limit")
                #expect(log.contains("can't fork"))
                let forked = log.split(separator: "\n").compactMap { $0.hasPrefix("FORKED ") ? Int($0.dropFirst(7)) : nil }.max() ?? 0
                #expect(forked < limit, "the bomb made \(forked) processes under a limit of \(limit)")
                #expect(forked >= limit / 2, "the bomb should have filled most of its box: \(forked) of \(limit)")

                // The host keeps answering: the daemon, a new process here, a new container.
                #expect(try await client.send(.GET, "/_ping").status == 200)
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/bin/true")
                try p.run()
                p.waitUntilExit()
                #expect(p.terminationStatus == 0)
                let echo = try await Self.run(driver, Self.spec(product: UUID(), user: "after", command: "echo ALIVE; sleep 600", image: image))
                try await eventually(timeout: .seconds(30), "a new engine starts after the bomb") { try await driver.logs(echo, tail: 5).contains("ALIVE") }
                try await driver.remove(id, keepBrain: false)
                try await driver.remove(echo, keepBrain: false)
            }
        }
    }
}
