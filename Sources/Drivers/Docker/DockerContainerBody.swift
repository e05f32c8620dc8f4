import Foundation

/// The body of `POST /containers/create` for one engine.
struct DockerContainerBody: Encodable, Sendable {
    var image: String
    var user: String?
    var env: [String]
    var labels: [String: String]
    var exposedPorts: [String: [String: String]]
    var hostConfig: HostConfig

    struct HostConfig: Encodable, Sendable {
        var binds: [String]
        var portBindings: [String: [PortBinding]]
        var restartPolicy = ["Name": "no"]
        /// docker-init as PID 1: signals reach the engine and zombies are reaped, so a stop
        /// takes ~100 ms instead of the whole grace period.
        var initProcess = true
        var memory: Int?
        var nanoCPUs: Int?
        var networkMode: String?
        var pidsLimit: Int?
        /// Nothing in the container can gain privileges (setuid binaries, file capabilities).
        var securityOpt = ["no-new-privileges"]
        /// Docker keeps at most two 10 MiB json-file logs per engine, so a chatty engine cannot
        /// fill the host's disk (the process driver rotates at the same size).
        var logConfig = LogConfig(type: "json-file", config: ["max-size": "10m", "max-file": "2"])
        enum CodingKeys: String, CodingKey {
            case binds = "Binds", portBindings = "PortBindings", restartPolicy = "RestartPolicy", initProcess = "Init"
            case memory = "Memory", nanoCPUs = "NanoCpus", networkMode = "NetworkMode", pidsLimit = "PidsLimit"
            case securityOpt = "SecurityOpt", logConfig = "LogConfig"
        }
    }

    struct LogConfig: Encodable, Sendable {
        var type: String
        var config: [String: String]
        enum CodingKeys: String, CodingKey { case type = "Type", config = "Config" }
    }

    struct PortBinding: Encodable, Sendable {
        var hostIP: String
        var hostPort: String
        enum CodingKeys: String, CodingKey { case hostIP = "HostIp", hostPort = "HostPort" }
    }

    enum CodingKeys: String, CodingKey {
        case image = "Image", user = "User", env = "Env", labels = "Labels", exposedPorts = "ExposedPorts", hostConfig = "HostConfig"
    }

    /// Port 8000 in the container, the engine's `port` on the host.
    static let containerPort = "8000/tcp"

    init(spec: RuntimeSpec, port: Int, configuration: DockerDriverConfiguration) {
        image = spec.image
        user = configuration.user
        var environment = spec.env
        environment["ENGINE_KEY_HASH"] = spec.keyHash
        environment["PORT"] = "8000"
        environment["SQLITE_DB_PATH"] = "/data/brain.sqlite"
        environment["CATALOG_DIR"] = "/catalog"
        env = environment.keys.sorted().map { "\($0)=\(environment[$0] ?? "")" }
        labels = configuration.scopeLabels.merging([
            DockerLabels.managed: "true",
            DockerLabels.product: spec.productID.uuidString.lowercased(),
            DockerLabels.user: spec.userID,
            DockerLabels.engine: spec.engineID.uuidString.lowercased(),
            DockerLabels.keyGeneration: String(spec.keyGeneration),
            DockerLabels.specHash: spec.specHash,
            DockerLabels.port: String(port),
        ]) { _, driver in driver }
        exposedPorts = [Self.containerPort: [:]]
        var binds = ["\(DockerLabels.volumeName(spec.engineID)):/data"]
        if let catalog = configuration.catalogPath { binds.append("\(catalog):/catalog:ro") }
        hostConfig = HostConfig(
            binds: binds,
            portBindings: [Self.containerPort: [PortBinding(hostIP: configuration.publishAddress, hostPort: String(port))]],
            memory: (spec.memoryMB ?? configuration.defaultMemoryMB).map { $0 * 1024 * 1024 },
            nanoCPUs: (spec.cpus ?? configuration.defaultCPUs).map { Int($0 * 1e9) },
            networkMode: configuration.networkName(for: spec.productID),
            pidsLimit: configuration.pidsLimit
        )
    }
}

/// The body of `POST /networks/create` for a product's network.
struct DockerNetworkBody: Encodable, Sendable {
    var name: String
    var driver = "bridge"
    var checkDuplicate = true
    var labels: [String: String]
    enum CodingKeys: String, CodingKey { case name = "Name", driver = "Driver", checkDuplicate = "CheckDuplicate", labels = "Labels" }
}

/// The body of `POST /volumes/create` for an engine's brain.
struct DockerVolumeBody: Encodable, Sendable {
    var name: String
    var labels: [String: String]
    enum CodingKeys: String, CodingKey { case name = "Name", labels = "Labels" }
}
