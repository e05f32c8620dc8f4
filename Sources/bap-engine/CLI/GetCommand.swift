import ArgumentParser
import Foundation
import WireModel

/// `get products|engines [USER]`: tables readable at 80 columns, or JSON/YAML; `-w` follows
/// the watch stream and prints one line per change.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "List products or engines.",
        discussion: """
            Examples:
              bap-engine get products
              bap-engine get engines --product demo -o wide
              bap-engine get engines alice -o json | jq .status.phase
              bap-engine get engines -w
            """
    )

    enum Resource: String, ExpressibleByArgument, CaseIterable { case products, product, engines, engine }

    @Argument(help: "products or engines.") var resource: Resource
    @Argument(help: "One user's engine (engines only).") var user: String?
    @Option(name: .shortAndLong, help: "Output: table, wide, json or yaml.") var output: OutputFormat = .table
    @Flag(name: .shortAndLong, help: "Watch: after the list, print each change as it happens.") var watch = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await CLI.run(client) { api in
            switch resource {
            case .products, .product: try await products(api)
            case .engines, .engine: try await engines(api)
            }
            return 0
        }
    }

    private func products(_ api: APIClient) async throws {
        let answer = try await api.send(.GET, "/v1/products")
        if output == .json { print(String(decoding: answer.body, as: UTF8.self)); return }
        var products = try api.decode(ProductList.self, answer.body).products
        for i in products.indices {  // The list has no counts; one small request per product adds them.
            products[i].engines = try await api.get(ProductView.self, "/v1/products/\(products[i].slug.urlComponent)").engines
        }
        if output == .yaml { try OutputFormat.printStructured(products, as: .yaml); return }
        print(EngineTable.products(products, wide: output == .wide).render())
    }

    private func engines(_ api: APIClient) async throws {
        let product = try await api.product()
        if let user {
            let answer = try await api.send(.GET, api.enginePath(product, user))
            if output == .json { print(String(decoding: answer.body, as: UTF8.self)); return }
            let engine = try api.decode(EngineResource.self, answer.body)
            if output == .yaml { try OutputFormat.printStructured(engine, as: .yaml); return }
            print(EngineTable.table([engine], wide: output == .wide).render())
        } else if !watch {
            let engines = try await api.engines(of: product)
            switch output {
            case .json: try OutputFormat.printStructured(EngineResourceList(engines: engines, total: engines.count), as: .json)
            case .yaml: try OutputFormat.printStructured(engines, as: .yaml)
            default: print(EngineTable.table(engines, wide: output == .wide).render())
            }
        }
        if watch { try await follow(api, product: product) }
    }

    /// The watch stream starts with a snapshot; the table header is printed once, then a row
    /// per event (JSON: one object per line, for `jq`).
    private func follow(_ api: APIClient, product: String) async throws {
        let widths = EngineTable.streamWidths(wide: output == .wide)
        if output == .table || output == .wide {
            print(TextTable.fixedRow(EngineTable.table([], wide: output == .wide).headers, widths: widths))
        }
        try await api.watch(product: product) { event in
            if output == .json || output == .yaml { print(event.data); CLI.flush(); return true }
            if event.event == "deleted" {
                let gone = try api.decode(DeletedEngine.self, Data(event.data.utf8))
                if user == nil || user == gone.user_id { print("\(product)/\(gone.user_id)   deleted") }
            } else if let engine = try? api.decode(EngineResource.self, Data(event.data.utf8)), user == nil || user == engine.userID {
                print(TextTable.fixedRow(EngineTable.row(engine, wide: output == .wide), widths: widths))
            }
            CLI.flush()
            return true
        }
    }
}
