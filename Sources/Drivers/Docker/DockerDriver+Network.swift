import Foundation

extension DockerDriver {
    /// Creates the product's network when engines get one each (`networkPerProduct`, no pinned
    /// `network`). One ensure per name at a time in this process (`NetworkGate`); it lists the
    /// networks of that exact name first, keeps the oldest and removes any duplicates that an
    /// older version or another process made, and creates one only when there is none.
    func ensureNetwork(for productID: UUID) async throws(DriverError) {
        guard configuration.network == nil, configuration.networkPerProduct else { return }
        let name = DockerLabels.networkName(productID)
        do {
            try await networks.once(name) { try await self.ensureNetworkNow(name: name, productID: productID) }
        } catch let error as DriverError {
            throw error
        } catch {
            throw DriverError(.unavailable, "Ensuring the product network failed.", detail: "\(error)")
        }
    }

    private func ensureNetworkNow(name: String, productID: UUID) async throws(DriverError) {
        let listed = try await client.send(.GET, "/networks", query: [("filters", #"{"name":["\#(name)"]}"#)])
        guard listed.status == 200 else { throw failure(listed, "list networks") }
        // The name filter matches substrings: keep exact names, oldest first.
        let same = try listed.decode([NetworkSummary].self).filter { $0.name == name }.sorted { ($0.created ?? "", $0.id) < ($1.created ?? "", $1.id) }
        if let keep = same.first {
            for duplicate in same.dropFirst() where duplicate.id != keep.id {
                let removed = try await client.send(.DELETE, "/networks/\(duplicate.id)")
                logger.warning("removed a duplicate product network", metadata: ["product": "\(productID)", "status": "\(removed.status)"])
            }
            return
        }
        let labels = configuration.scopeLabels.merging([DockerLabels.managed: "true", DockerLabels.product: productID.uuidString.lowercased()]) { _, new in new }
        let reply = try await client.send(.POST, "/networks/create", body: DockerNetworkBody(name: name, labels: labels))
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
        var created: String?
        enum CodingKeys: String, CodingKey { case id = "Id", name = "Name", labels = "Labels", created = "Created" }
    }
}
