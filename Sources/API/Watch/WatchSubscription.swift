import DesiredState
import Foundation
import Synchronization

/// One stream's place in the watch hub: a bounded buffer of events and, once ended, why.
/// Sending never blocks the hub: a full buffer ends the subscription (`slowConsumer`).
final class WatchSubscription: Sendable {
    let id: Int
    /// The product followed; nil: the whole fleet (admin).
    let productID: UUID?
    /// The platform-key hash the stream was opened with; nil for the admin key. A rotation
    /// ends the stream.
    let keyHash: String?
    let events: AsyncStream<WatchEvent>
    private let continuation: AsyncStream<WatchEvent>.Continuation
    private let reason = Mutex<WatchEndReason?>(nil)
    private let started = Mutex(false)
    let created = ContinuousClock.now

    init(id: Int, productID: UUID?, keyHash: String?, buffer: Int, onTermination: @escaping @Sendable (Int) -> Void) {
        self.id = id
        self.productID = productID
        self.keyHash = keyHash
        let (stream, continuation) = AsyncStream.makeStream(of: WatchEvent.self, bufferingPolicy: .bufferingOldest(max(1, buffer)))
        self.events = stream
        self.continuation = continuation
        continuation.onTermination = { _ in onTermination(id) }
    }

    func send(_ event: WatchEvent) {
        if case .dropped(_) = continuation.yield(event) { end(.slowConsumer) }
    }

    /// Ends the stream after what it has buffered; the first reason given sticks.
    func end(_ why: WatchEndReason) {
        reason.withLock { if $0 == nil { $0 = why } }
        continuation.finish()
    }

    var endReason: WatchEndReason? { reason.withLock { $0 } }

    /// The stream's body began writing. A place taken for an answer that never started
    /// writing (the client went away first) is reclaimed by the hub.
    func markStarted() { started.withLock { $0 = true } }
    var hasStarted: Bool { started.withLock { $0 } }

    func wants(_ productID: UUID) -> Bool { self.productID == nil || self.productID == productID }
}
