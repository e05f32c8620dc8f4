import Foundation

extension DockerDriver {
    /// Creates the product's network when engines get one each (`networkPerProduct`, no pinned
    /// `network`). Exists already: fine (two creates may race; Docker answers 409).
    func ensureNetwork(for productID: UUID) async throws(DriverError) {
        guard configuration.network == nil, configuration.networkPerProduct else { return }
        let labels = configuration.scopeLabels.merging([DockerLabels.managed: "true", DockerLabels.product: productID.uuidString.lowercased()]) { _, new in new }
        let reply = try await client.send(.POST, "/networks/create", body: DockerNetworkBody(name: DockerLabels.networkName(productID), labels: labels))
        switch reply.status {
        case 200, 201, 409: return
        case 500 where reply.text.contains("already exists"): return
        default: throw failure(reply, "create product network")
        }
    }

    /// Removes the per-product networks of this scope whose product is not in
    /// `keepingProducts`. A network that still has containers attached is left alone (Docker
    /// refuses, and the next pass tries again).
    public func collectGarbage(keepingProducts: Set<UUID>) async throws(DriverError) {
        guard configuration.network == nil, configuration.networkPerProduct else { return }
        let reply = try await client.send(.GET, "/networks", query: [("filters", DockerLabels.filter(scope: configuration.scopeLabels))])
        guard reply.status == 200 else { throw failure(reply, "list networks") }
        for network in try reply.decode([NetworkSummary].self) {
            guard let product = network.labels?[DockerLabels.product].flatMap(UUID.init(uuidString:)),
                  !keepingProducts.contains(product), network.name == DockerLabels.networkName(product)
            else { continue }
            let removed = try await client.send(.DELETE, "/networks/\(network.id)")
            switch removed.status {
            case 204, 404: logger.debug("removed product network", metadata: ["product": "\(product)"])
            default: logger.debug("product network not removed yet", metadata: ["product": "\(product)", "status": "\(removed.status)"])
            }
        }
    }

    private struct NetworkSummary: Decodable {
        var id: String
        var name: String
        var labels: [String: String]?
        enum CodingKeys: String, CodingKey { case id = "Id", name = "Name", labels = "Labels" }
    }
}
