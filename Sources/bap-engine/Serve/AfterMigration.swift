import DesiredState
import ServiceLifecycle

/// A service that starts once the store is migrated (`MigratingStore` opens the gate).
///
/// Graceful shutdown reaching it while it still waits: it waits on (a migration is short), then
/// its service starts already told to shut down and returns at once.
///
/// `drain`: how long the service may take to finish once graceful shutdown reached it; then it
/// is cancelled, so the services before it in the group (shut down after it) are not held up.
/// The HTTP app needs it: Hummingbird stops its server before the services attached to it, and
/// an open watch stream ends only when its hub (one of those) does.
struct AfterMigration: Service {
    let name: String
    let migrated: MigrationGate
    let service: any Service
    var drain: Duration? = nil

    func run() async throws {
        try await migrated.wait()
        guard let drain else { return try await service.run() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            group.addTask {
                try await gracefulShutdown()  // throws CancellationError when cancelled first
                try await Task.sleep(for: drain)
                throw DrainTimeout()
            }
            defer { group.cancelAll() }
            do {
                try await group.next()
            } catch is DrainTimeout {
                // Cancelled below; wait for it to return.
                group.cancelAll()
                try? await group.next()
            }
        }
    }

    private struct DrainTimeout: Error {}
}

/// Logged by the service group at start and stop: the name only, never the wrapped service's
/// reflected fields (the app's holds the admin key and the key deriver).
extension AfterMigration: Redacted {
    var redactedDescription: String { name }
}
