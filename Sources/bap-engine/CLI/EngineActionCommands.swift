import ArgumentParser
import DesiredState
import Foundation
import WireModel

/// `sleep USER`: desired state asleep (brain kept; woken by admit or `wake`).
struct SleepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sleep", abstract: "Put an engine to sleep.",
        discussion: "Example:\n  bap-engine sleep alice --product demo && bap-engine wait alice --for=phase=sleeping"
    )
    @Argument(help: "The user id.") var user: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await CLI.run(client) { api in
            let product = try await api.product()
            _ = try await api.send(.POST, api.enginePath(product, user) + "/sleep")
            print("engine/\(product)/\(user) asleep requested")
            return 0
        }
    }
}

/// `wake USER`: desired state awake; `--wait` waits for Ready on the server side.
struct WakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wake", abstract: "Wake an engine.",
        discussion: "Example:\n  bap-engine wake alice --wait"
    )
    @Argument(help: "The user id.") var user: String
    @Flag(help: "Return only once the engine is Ready (the server's boot timeout applies).") var wait = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await CLI.run(client) { api in
            let product = try await api.product()
            _ = try await api.send(.POST, api.enginePath(product, user) + "/wake" + (wait ? "?wait=true" : ""))
            print("engine/\(product)/\(user) \(wait ? "awake and Ready" : "wake requested")")
            return 0
        }
    }
}

/// `delete engine USER` / `delete product SLUG`: marks for deletion; the controller removes the
/// runtime, the brain and the row. Irreversible.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete an engine (brain included) or a product with all its engines.",
        discussion: "Examples:\n  bap-engine delete engine alice --product demo\n  bap-engine delete product demo"
    )
    enum Resource: String, ExpressibleByArgument, CaseIterable { case engine, product }
    @Argument(help: "engine or product") var resource: Resource
    @Argument(help: "The user id (engine) or slug (product).") var name: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await CLI.run(client) { api in
            switch resource {
            case .engine:
                let product = try await api.product()
                _ = try await api.send(.DELETE, api.enginePath(product, name))
                print("engine/\(product)/\(name) deletion requested")
            case .product:
                _ = try await api.send(.DELETE, "/v1/products/\(name.urlComponent)")
                print("product/\(name) deletion requested (its engines are being removed)")
            }
            return 0
        }
    }
}

/// `rotate-key USER`: bumps the key generation (a conditional PATCH), so the engine restarts
/// with a new key. The key itself is never printed; the product reads it from the engine
/// endpoints with its platform key.
struct RotateKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-key", abstract: "Rotate an engine's key (the old key stops working).",
        discussion: "Example:\n  bap-engine rotate-key alice --product demo"
    )
    @Argument(help: "The user id.") var user: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await CLI.run(client) { api in
            let product = try await api.product()
            let path = api.enginePath(product, user)
            let engine = try await api.get(EngineResource.self, path)
            let next = engine.spec.keyGeneration + 1
            let body = try WireJSON.encoder().encode(PatchEngineRequest(keyGeneration: next))
            _ = try await api.send(.PATCH, path, body: body, headers: ["If-Match": String(engine.generation)])
            print("engine/\(product)/\(user) key rotated (key generation \(next)); the product reads the new key with its platform key")
            return 0
        }
    }
}
