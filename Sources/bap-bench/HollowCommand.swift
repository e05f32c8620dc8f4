import ArgumentParser
import Foundation

struct HollowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hollow",
        abstract: "Controller scale on the Hollow driver (in-process, Postgres store; no containers)."
    )

    @Option(help: "Postgres URL (a throwaway database: the run writes its products and engines there).") var pgURL: String
    @Option(help: "Engines in all.") var engines = 100_000
    @Option(help: "Products they are spread over.") var products = 100
    @Option(help: "Reconcile workers (ORCH_WORKERS).") var workers = 16
    @Option(help: "Seconds of idle measurement.") var idleSeconds = 60
    @Option(help: "Seconds of admit load while 1 % of engines churn.") var churnSeconds = 20
    @Option(help: "Periodic resync interval in seconds (ORCH_RESYNC_INTERVAL_S).") var resyncInterval = 30
    @Option(help: "Loopback port of the in-process API.") var apiPort = 18_900
    @Flag(help: "Docker-like operation latencies (create 10 ms, start 250 ms, …) instead of none.") var dockerLike = false
    @Flag(help: "5,000 engines over 10 products, short windows.") var quick = false
    @Option(help: "Where the JSON goes.") var out = "hollow-results.json"

    func run() async throws {
        var settings = HollowSettings(
            engines: engines, products: products, workers: workers, idleSeconds: idleSeconds, churnSeconds: churnSeconds,
            resyncInterval: resyncInterval, apiPort: apiPort, dockerLike: dockerLike
        )
        if quick {
            settings.engines = min(engines, 5_000)
            settings.products = min(products, 10)
            settings.idleSeconds = min(idleSeconds, 20)
            settings.churnSeconds = min(churnSeconds, 8)
        }
        let table = ResultTable(meta: BenchMeta.collect(mode: "hollow \(settings.engines) engines / \(settings.products) products"))
        var failure: (any Error)?
        do { try await HollowScale(pgURL: pgURL, settings: settings, table: table).run() } catch {
            failure = error
            FileHandle.standardError.write(Data("bap-bench: hollow stopped early: \(error)\n".utf8))
        }
        print(await table.markdown())
        try await table.writeJSON(to: out)
        if let failure { throw failure }
    }
}

struct HollowSettings: Sendable {
    var engines: Int
    var products: Int
    var workers: Int
    var idleSeconds: Int
    var churnSeconds: Int
    var resyncInterval: Int
    var apiPort: Int
    var dockerLike: Bool
}
