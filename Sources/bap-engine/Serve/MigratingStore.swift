import DesiredState
import ServiceLifecycle

/// The store as a service whose preamble is the schema migration: it runs the store (Postgres
/// answers no query until its `run()` runs the connection pool), migrates, then opens `migrated`
/// for the services that need the schema, and keeps the store running until shutdown. A failed
/// migration ends this service with its error, which ends the group.
///
/// First in the group, so it is shut down last: the HTTP app and the controller (which
/// releases its lease through the store) have stopped by then.
struct MigratingStore: Service {
    let store: any Store
    let migrated: MigrationGate

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            try await store.migrate()
            migrated.open()
            try await group.next()
        }
    }
}

/// Logged by the service group at start and stop: a plain name.
extension MigratingStore: Redacted {
    var redactedDescription: String { "Store" }
}
