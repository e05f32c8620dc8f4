import Foundation
import Synchronization

/// The in-memory "runtime" behind a Hollow driver: engines, their ports, and event listeners.
actor HollowRuntime {
    struct Engine: Sendable {
        var observed: ObservedEngine
        var port: Int
    }

    private(set) var engines: [UUID: Engine] = [:]
    /// Behind a lock rather than the actor so `events()` registers synchronously: no change
    /// made after `events()` returns can be missed.
    nonisolated let listeners = HollowListeners()
    private var nextPort: Int
    private let portRange: ClosedRange<Int>
    private var freePorts: [Int] = []
    /// Counts creates, so every runtime gets its own id even when its port is reused (as a
    /// container id or a pid would be new).
    private var serial = 0

    init(portRange: ClosedRange<Int>) {
        self.portRange = portRange
        self.nextPort = portRange.lowerBound
    }

    func engine(_ id: UUID) -> Engine? { engines[id] }

    func nextSerial() -> Int {
        serial += 1
        return serial
    }

    func put(_ engine: Engine) {
        engines[engine.observed.engineID] = engine
        notify(engine.observed.engineID)
    }

    func update(_ id: UUID, _ change: (inout ObservedEngine) -> Void) -> Bool {
        guard var engine = engines[id] else { return false }
        change(&engine.observed)
        engines[id] = engine
        notify(id)
        return true
    }

    func delete(_ id: UUID) {
        guard let engine = engines.removeValue(forKey: id) else { return }
        freePorts.append(engine.port)
        notify(id)
    }

    func allocatePort() throws(DriverError) -> Int {
        if let port = freePorts.popLast() { return port }
        guard nextPort <= portRange.upperBound else {
            throw DriverError(.portExhausted, "No free engine port is left in \(portRange.lowerBound)-\(portRange.upperBound).")
        }
        defer { nextPort += 1 }
        return nextPort
    }

    private func notify(_ id: UUID) { listeners.yield(.changed(id)) }
}

/// The open `events()` streams of one Hollow runtime.
final class HollowListeners: Sendable {
    private let continuations = Mutex<[UUID: AsyncStream<DriverEvent>.Continuation]>([:])

    func add(_ id: UUID, _ continuation: AsyncStream<DriverEvent>.Continuation) {
        continuations.withLock { $0[id] = continuation }
    }

    func remove(_ id: UUID) { _ = continuations.withLock { $0.removeValue(forKey: id) } }

    func yield(_ event: DriverEvent) {
        for continuation in continuations.withLock({ Array($0.values) }) { continuation.yield(event) }
    }
}
