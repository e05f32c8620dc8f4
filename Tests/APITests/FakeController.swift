import DesiredState
import Foundation
import Synchronization

/// Stands in for the real controller (not the API's): watches the store and writes the status a
/// healthy runtime would reach, so the API's ready-waiting can be tested. Images listed in
/// `missingImages` fail for good with `ImageNotFound`; with `hold`, nothing ever becomes Ready.
/// `holding` lists desired states it never converges (say `.stopped`: a stop never observed);
/// `stopDelay` is extra time a stop takes; `keepDeleted` leaves engines marked for deletion in
/// place (a teardown still under way).
final class FakeController: Sendable {
    let missingImages: Set<String>
    let hold: Bool
    let delay: Duration
    let holding: Set<DesiredEngineState>
    let stopDelay: Duration
    let keepDeleted: Bool
    private let converged = Mutex<Int>(0)

    init(
        missingImages: Set<String> = [], hold: Bool = false, delay: Duration = .milliseconds(20),
        holding: Set<DesiredEngineState> = [], stopDelay: Duration = .zero, keepDeleted: Bool = false
    ) {
        self.missingImages = missingImages
        self.hold = hold
        self.delay = delay
        self.holding = holding
        self.stopDelay = stopDelay
        self.keepDeleted = keepDeleted
    }

    /// How many status writes it made.
    var statusWrites: Int { converged.withLock { $0 } }

    func run(store: any Store) async throws {
        var revision: Int64 = 0
        while !Task.isCancelled {
            let changes = try await store.changes(since: revision, limit: 1000)
            for change in changes {
                revision = max(revision, change.revision)
                guard change.kind != .status, change.kind != .deleted, !hold else { continue }
                try await Task.sleep(for: delay)
                try await converge(change.engineID, store: store)
            }
            if changes.isEmpty { _ = try await store.waitForChange(after: revision, timeout: .milliseconds(200)) }
        }
    }

    private func converge(_ id: UUID, store: any Store) async throws {
        guard let engine = try await store.engine(id: id), engine.status.observedGeneration < engine.generation else { return }
        if engine.isMarkedForDeletion {
            if !keepDeleted { try await store.deleteEngine(engineID: id) }
            return
        }
        if holding.contains(engine.spec.state) { return }
        if engine.spec.state == .stopped { try await Task.sleep(for: stopDelay) }
        var status = engine.status
        status.observedGeneration = engine.generation
        let now = Date()
        if let image = engine.spec.image, missingImages.contains(image) {
            status.phase = .failed
            status.conditions.set(.ready, .false, reason: .imageNotFound, message: "Image cannot be pulled.", now: now)
            status.conditions.set(.degraded, .true, reason: .imageNotFound, message: "Image \(image) cannot be pulled.", now: now)
        } else {
            switch engine.spec.state {
            case .awake:
                status.phase = .running
                status.url = "http://127.0.0.1:\(9000 + Int(engine.generation))"
                status.lastHealthAt = now
                status.conditions.set(.ready, .true, reason: .engineHealthy, message: "Engine answers /health.", now: now)
            case .asleep:
                status.phase = .sleeping
                status.conditions.set(.ready, .false, reason: .asleep, message: "Engine sleeps.", now: now)
            case .stopped:
                status.phase = .stopped
                status.conditions.set(.ready, .false, reason: .stopped, message: "Engine stopped.", now: now)
            }
        }
        try await store.writeStatus(engineID: id, status: status)
        converged.withLock { $0 += 1 }
    }
}
