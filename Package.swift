// swift-tools-version:6.1
import PackageDescription

// Dependency arrows point down only (DESIGN.md):
//   bap-engine → API → WireModel → DesiredState
//   bap-engine (CLI) → WireModel
//   bap-engine → Controller → Drivers, DesiredState
//   bap-engine → PostgresBackend, SQLiteBackend → StoreSupport → DesiredState
// API never imports Drivers nor a store backend (it is handed its store roles); DesiredState
// (the model, the store role protocols, the fleet spec) imports nothing above it. Only the
// composition roots (bap-engine, bap-bench) and tests name a backend.
let package = Package(
    name: "bap-engine",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bap-engine", targets: ["bap-engine"]),
        .executable(name: "ExampleEngine", targets: ["ExampleEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        .target(
            name: "DesiredState",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // What the store backends share: the transaction protocol, the operations written once
        // over it (`TransactionalStore`), and the in-memory store. `API` does not depend on it.
        .target(
            name: "StoreSupport",
            dependencies: ["DesiredState", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        .target(
            name: "PostgresBackend",
            dependencies: [
                "DesiredState", "StoreSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SQLiteBackend",
            dependencies: [
                "DesiredState", "StoreSupport",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Drivers",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Controller",
            dependencies: [
                "DesiredState",
                "Drivers",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The JSON bodies the server writes and the CLI reads: one model, no HTTP framework.
        .target(name: "WireModel", dependencies: ["DesiredState"]),
        .target(
            name: "API",
            dependencies: [
                "DesiredState",
                "WireModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "bap-engine",
            dependencies: [
                "API",
                "Controller",
                "DesiredState",
                "Drivers",
                "PostgresBackend",
                "SQLiteBackend",
                "WireModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "ExampleEngine",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Benchmarks against the floor, the hollow scale run (BENCHMARKS.md); never shipped.
        .executableTarget(
            name: "bap-bench",
            dependencies: [
                "API",
                "Controller",
                "DesiredState",
                "Drivers",
                "PostgresBackend",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "DesiredState",
                "Drivers",
                "PostgresBackend",
                "SQLiteBackend",
                "StoreSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "DesiredStateTests",
            dependencies: ["DesiredState", "PostgresBackend", "SQLiteBackend", "StoreSupport", "TestSupport", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "SQLiteNIO", package: "sqlite-nio")]
        ),
        .testTarget(name: "DriversTests", dependencies: ["Drivers", "TestSupport", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .testTarget(
            name: "ControllerTests",
            dependencies: [
                "Controller", "DesiredState", "Drivers", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "DesiredState", "PostgresBackend", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API", "DesiredState", "PostgresBackend", "SQLiteBackend", "StoreSupport", "TestSupport", "WireModel",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
