import Foundation

/// How the Docker driver runs engines. Defaults match REFERENCE.md §12 (ports bound to
/// 127.0.0.1 from `ORCH_PORT_MIN`, brain volume at `/data`).
public struct DockerDriverConfiguration: Sendable {
    /// The daemon's unix socket (`DOCKER_HOST=unix://…` or `/var/run/docker.sock`).
    public var socketPath: String
    /// Host address the engine port is published on.
    public var publishAddress: String
    /// Host used in the engine URL; defaults to the publish address (`0.0.0.0` → `127.0.0.1`).
    public var urlHost: String?
    /// Host ports engines get, one each, kept across stop/start.
    public var portRange: ClosedRange<Int>
    /// Docker network to attach engines to (`ORCH_ENGINE_NETWORK`); nil: one network per
    /// product when `networkPerProduct`, else the default bridge.
    public var network: String?
    /// Without a pinned `network`: each product's engines get their own bridge network
    /// (`bap-net-<product>`), created on demand and removed by `collectGarbage` once the
    /// product has no engine, so engines of different products cannot reach each other.
    public var networkPerProduct: Bool
    /// Limits for every container, used when the runtime spec (the product template) sets
    /// none: `ORCH_ENGINE_MEMORY_MB`, `ORCH_ENGINE_CPUS`, `ORCH_ENGINE_PIDS_LIMIT`. nil: none.
    public var defaultMemoryMB: Int?
    public var defaultCPUs: Double?
    public var pidsLimit: Int?
    /// `User` of every container (`uid[:gid]`); nil: the image's own `USER`.
    public var user: String?
    /// Host path of the catalog, mounted read-only at `/catalog` (`ORCH_CATALOG_MOUNT_PATH`).
    public var catalogPath: String?
    /// Extra labels put on every container and volume, and required by `list()` and
    /// `events()`: lets several orchestrators (or test runs) share one daemon.
    public var scopeLabels: [String: String]
    /// How long a pull of a missing image may take before it counts as not pullable.
    public var pullTimeout: Duration

    public init(
        socketPath: String = "/var/run/docker.sock", publishAddress: String = "127.0.0.1", urlHost: String? = nil,
        portRange: ClosedRange<Int> = 9001...9999, network: String? = nil, catalogPath: String? = nil,
        scopeLabels: [String: String] = [:], pullTimeout: Duration = .seconds(120),
        networkPerProduct: Bool = false, defaultMemoryMB: Int? = 1024, defaultCPUs: Double? = 1, pidsLimit: Int? = 256, user: String? = nil
    ) {
        self.networkPerProduct = networkPerProduct
        self.defaultMemoryMB = defaultMemoryMB
        self.defaultCPUs = defaultCPUs
        self.pidsLimit = pidsLimit
        self.user = user
        self.socketPath = socketPath
        self.publishAddress = publishAddress
        self.urlHost = urlHost
        self.portRange = portRange
        self.network = network
        self.catalogPath = catalogPath
        self.scopeLabels = scopeLabels
        self.pullTimeout = pullTimeout
    }

    /// The socket path named by a `DOCKER_HOST` value (`unix:///path`); nil for anything else
    /// (tcp is not supported: the driver speaks to a local daemon only).
    public static func socketPath(fromDockerHost value: String?) -> String? {
        guard let value, value.hasPrefix("unix://") else { return nil }
        return String(value.dropFirst("unix://".count))
    }

    /// The network an engine of `productID` joins; nil: Docker's default bridge.
    func networkName(for productID: UUID) -> String? {
        if let network { return network }
        return networkPerProduct ? DockerLabels.networkName(productID) : nil
    }

    var engineURLHost: String {
        if let urlHost { return urlHost }
        return publishAddress == "0.0.0.0" || publishAddress.isEmpty ? "127.0.0.1" : publishAddress
    }
}
