import API
import Controller
import DesiredState
import Hummingbird
import ServiceLifecycle

/// Migrates the store (whose `run()` is already running in the group: Postgres needs it to
/// answer), then runs the controller and the HTTP application side by side. If either ends,
/// the other is cancelled and the error surfaces.
struct MainService<App: ApplicationProtocol>: Service {
    let store: any Store
    let controller: Controller
    let app: App

    func run() async throws {
        try await store.migrate()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await controller.run() }
            group.addTask { try await app.runService() }
            try await group.next()
            group.cancelAll()
        }
    }
}
