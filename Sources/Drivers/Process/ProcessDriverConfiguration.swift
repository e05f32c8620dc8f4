import Foundation

/// How the process driver runs engines: the Engine command, where their data lives, which
/// ports they get.
public struct ProcessDriverConfiguration: Sendable {
    /// Each engine gets `<dataRoot>/<engine uuid>/` with its brain, log and metadata.
    public var dataRoot: String
    /// The Engine executable (default: the built `ExampleEngine`), the one program every
    /// engine runs. A `RuntimeSpec.image` never overrides it: it only feeds the spec hash.
    public var executable: String
    public var arguments: [String]
    /// Ports engines listen on, one each, kept across stop/start (`ORCH_PORT_MIN…MAX`).
    public var portRange: ClosedRange<Int>
    /// Address engines listen on, and the host of their URL.
    public var bindAddress: String
    /// Host path of the catalog, given as `CATALOG_DIR` (the process reads it in place).
    public var catalogPath: String?
    /// How often `events()` looks at `/proc` for exits (and at log sizes).
    public var monitorInterval: Duration
    /// `engine.log` past this size is rotated to `engine.log.1` (one older file kept):
    /// `ORCH_ENGINE_LOG_MAX_BYTES`, default 10 MiB.
    public var logMaxBytes: Int
    /// The most bytes one `logs` call reads.
    public var logReadMaxBytes: Int

    public init(
        dataRoot: String, executable: String, arguments: [String] = [], portRange: ClosedRange<Int> = 9001...9999,
        bindAddress: String = "127.0.0.1", catalogPath: String? = nil, monitorInterval: Duration = .milliseconds(200),
        logMaxBytes: Int = 10 << 20, logReadMaxBytes: Int = 1 << 20
    ) {
        self.logMaxBytes = logMaxBytes
        self.logReadMaxBytes = logReadMaxBytes
        self.dataRoot = dataRoot
        self.executable = executable
        self.arguments = arguments
        self.portRange = portRange
        self.bindAddress = bindAddress
        self.catalogPath = catalogPath
        self.monitorInterval = monitorInterval
    }

    /// `ExampleEngine` beside the running executable (where `swift build` puts both), when it
    /// exists there; nil otherwise (the composition root then requires an explicit path).
    public static func bundledEngineExecutable() -> String? {
        guard let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let candidate = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("ExampleEngine").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    func directory(_ engineID: UUID) -> String { "\(dataRoot)/\(engineID.uuidString.lowercased())" }
    func metadataPath(_ engineID: UUID) -> String { directory(engineID) + "/engine.json" }
    func logPath(_ engineID: UUID) -> String { directory(engineID) + "/engine.log" }
}
