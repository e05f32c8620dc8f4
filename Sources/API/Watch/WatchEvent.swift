import DesiredState
import Foundation

/// What the watch hub hands each subscribed stream.
enum WatchEvent: Sendable {
    /// The engine as it stands after the change at `revision`.
    case engine(revision: Int64, EngineRecord)
    /// The row is gone (the change log's entry says whose it was).
    case deleted(revision: Int64, Change)
    /// Nothing happened for a heartbeat interval: the stream writes a comment.
    case heartbeat
}

/// Why the hub ended a stream. Written as the stream's last event (`event: end` or, for a slow
/// consumer, `event: resync`), except for the client's own `?timeout=`.
enum WatchEndReason: String, Sendable {
    case keyRotated = "platform_key_rotated"
    case productDeleted = "product_deleted"
    /// The stream fell `watchBuffer` events behind: resume with `Last-Event-ID`.
    case slowConsumer = "slow_consumer"
    case timeout
    case shutdown = "server_shutdown"
}
