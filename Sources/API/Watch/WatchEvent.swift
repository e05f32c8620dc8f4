import DesiredState
import Foundation
import NIOCore

/// What the watch hub hands each subscribed stream.
enum WatchEvent: Sendable {
    /// One SSE frame (`engine` with the engine as it stands after the change at `revision`,
    /// or `deleted`), encoded once by the hub and shared by every stream that gets it.
    case frame(revision: Int64, ByteBuffer)
    /// A heartbeat interval passed: the stream writes a comment.
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
