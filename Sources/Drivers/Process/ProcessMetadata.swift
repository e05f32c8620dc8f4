import Foundation

/// What the process driver remembers of one engine, in `<dir>/engine.json` (mode 0600: it
/// holds the key *hash* the engine is started with, never a key).
///
/// Written only by create, start and remove; whether the engine runs is never stored but
/// derived from `/proc` (pid + start time), so a crash or an orchestrator restart can never
/// leave a stale "running" behind.
struct ProcessMetadata: Codable, Sendable {
    var engineID: UUID
    var productID: UUID
    var userID: String
    var specHash: String
    var keyGeneration: Int
    var port: Int
    var executable: String
    var environment: [String: String]
    /// Set by start; nil until the first start.
    var pid: Int32?
    /// Field 22 of `/proc/<pid>/stat` (clock ticks after boot): tells our process from a
    /// later one that got the same pid.
    var pidStartTime: UInt64?
    var startedAt: Date?
    /// `created` before the first start, `started` after (the live state comes from /proc).
    var state: String

    static func load(_ path: String) throws -> ProcessMetadata? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(ProcessMetadata.self, from: data)
    }

    /// Atomic: written to a temporary file, then renamed over the old one.
    func save(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}
