#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything the Engine stand-in reads from its environment, read once at boot.
///
/// Fault knobs exist for tests of the orchestrator: they make the Engine slow to boot, crash
/// after a while, report itself unready, or refuse to die on SIGTERM.
struct EngineConfig: Sendable {
    /// `PORT`, default 8000.
    var port: Int
    /// `BIND_ADDRESS`, default `0.0.0.0` (inside a container every interface is private).
    var bindAddress: String
    /// `SQLITE_DB_PATH`; else `DATA_DIR/brain.sqlite`; else `/data/brain.sqlite`.
    var brainPath: String
    /// `CATALOG_DIR`, reported in `/health` only.
    var catalogDir: String?
    /// Hex SHA-256 of the only key that opens this Engine: `ENGINE_KEY_HASH`, or the hash of
    /// `ENGINE_API_KEY` (dev convenience). Nil: every authenticated route answers 401.
    var keyHash: String?
    /// `ENGINE_BOOT_DELAY_MS`: sleep before listening.
    var bootDelayMS: Int
    /// `ENGINE_EXIT_AFTER_S` with `ENGINE_EXIT_CODE` (default 1): exit on its own after a while.
    var exitAfterSeconds: Double?
    var exitCode: Int32
    /// `ENGINE_UNREADY=1`: `/health` answers 503 with `status: "unready"`.
    var unready: Bool
    /// `ENGINE_IGNORE_SIGTERM=1`: SIGTERM is ignored, only SIGKILL ends the process.
    var ignoreSigterm: Bool

    init(environment env: [String: String]) {
        port = env["PORT"].flatMap { Int($0) } ?? 8000
        bindAddress = env["BIND_ADDRESS"] ?? "0.0.0.0"
        if let path = env["SQLITE_DB_PATH"], !path.isEmpty {
            brainPath = path
        } else if let dir = env["DATA_DIR"], !dir.isEmpty {
            brainPath = dir + "/brain.sqlite"
        } else {
            brainPath = "/data/brain.sqlite"
        }
        catalogDir = env["CATALOG_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        if let hash = env["ENGINE_KEY_HASH"], !hash.isEmpty {
            keyHash = hash.lowercased()
        } else if let key = env["ENGINE_API_KEY"], !key.isEmpty {
            keyHash = KeyHashing.sha256Hex(key)
        } else {
            keyHash = nil
        }
        bootDelayMS = env["ENGINE_BOOT_DELAY_MS"].flatMap { Int($0) } ?? 0
        exitAfterSeconds = env["ENGINE_EXIT_AFTER_S"].flatMap { Double($0) }
        exitCode = env["ENGINE_EXIT_CODE"].flatMap { Int32($0) } ?? 1
        unready = env["ENGINE_UNREADY"] == "1"
        ignoreSigterm = env["ENGINE_IGNORE_SIGTERM"] == "1"
    }
}
