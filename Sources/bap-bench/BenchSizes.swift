/// How big each case is. `--quick` shrinks everything for a run of a few minutes.
struct BenchSizes: Sendable {
    var admitSeconds = 30
    var admitClients = 64
    var wakes = 20
    var provisions = 20
    var converge = 200
    var crashes = 10
    var idleSeconds = 60
    var floorParallelism = [16, 64]

    static let quick = BenchSizes(
        admitSeconds: 8, admitClients: 64, wakes: 8, provisions: 6, converge: 40, crashes: 4, idleSeconds: 15, floorParallelism: [32]
    )
}
