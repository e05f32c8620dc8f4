#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SQLiteNIO

/// The Engine's per-user brain: one SQLite file holding the conversation and the event log.
///
/// It lives at `SQLITE_DB_PATH` so it survives restarts (a container's volume, a process's data
/// dir). The parent directory is created when missing.
struct Brain: Sendable {
    let connection: SQLiteConnection

    struct Message: Codable, Equatable, Sendable {
        var taskID: String
        var role: String
        var text: String
        var atMS: Int64
        enum CodingKeys: String, CodingKey { case taskID = "task_id", role, text, atMS = "at_ms" }
    }

    struct StoredEvent: Sendable {
        var atMS: Int64
        var name: String
        var json: String
    }

    static func open(path: String) async throws -> Brain {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        let schema = [
            "PRAGMA journal_mode=WAL",
            "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, task_id TEXT NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL, at_ms INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, name TEXT NOT NULL, json TEXT NOT NULL)",
        ]
        for statement in schema { _ = try await connection.query(statement, []) }
        return Brain(connection: connection)
    }

    func record(_ message: Message) async throws {
        _ = try await connection.query(
            "INSERT INTO messages (task_id, role, text, at_ms) VALUES (?, ?, ?, ?)",
            [.text(message.taskID), .text(message.role), .text(message.text), .integer(Int(message.atMS))]
        )
    }

    func append(_ event: StoredEvent) async throws {
        _ = try await connection.query(
            "INSERT INTO events (at_ms, name, json) VALUES (?, ?, ?)",
            [.integer(Int(event.atMS)), .text(event.name), .text(event.json)]
        )
    }

    /// Events strictly after `afterMS`, oldest first (`0` replays everything).
    func events(after afterMS: Int64) async throws -> [StoredEvent] {
        let rows = try await connection.query("SELECT at_ms, name, json FROM events WHERE at_ms > ? ORDER BY id", [.integer(Int(afterMS))])
        return rows.map { row in
            StoredEvent(
                atMS: Int64(row.column("at_ms")?.integer ?? 0),
                name: row.column("name")?.string ?? "",
                json: row.column("json")?.string ?? "{}"
            )
        }
    }

    func messages() async throws -> [Message] {
        let rows = try await connection.query("SELECT task_id, role, text, at_ms FROM messages ORDER BY id", [])
        return rows.map { row in
            Message(
                taskID: row.column("task_id")?.string ?? "",
                role: row.column("role")?.string ?? "",
                text: row.column("text")?.string ?? "",
                atMS: Int64(row.column("at_ms")?.integer ?? 0)
            )
        }
    }

    /// Lightweight liveness check of the file.
    func isHealthy() async -> Bool {
        (try? await connection.query("SELECT 1", [])) != nil
    }

    func close() async throws { try await connection.close() }
}
