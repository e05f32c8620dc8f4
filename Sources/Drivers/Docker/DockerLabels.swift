import Foundation

/// The labels and names the Docker driver writes, in one place. Names come from the engine
/// id only, never from the product's user id (which is a label value, nothing more).
enum DockerLabels {
    static let managed = "bap.managed"
    static let product = "bap.product"
    static let user = "bap.user"
    static let engine = "bap.engine"
    static let keyGeneration = "bap.key-generation"
    static let specHash = "bap.spec-hash"
    static let port = "bap.port"

    static func containerName(_ engineID: UUID) -> String { "bap-\(engineID.uuidString.lowercased())" }
    static func volumeName(_ engineID: UUID) -> String { "bap-brain-\(engineID.uuidString.lowercased())" }
    static func networkName(_ productID: UUID) -> String { "bap-net-\(productID.uuidString.lowercased())" }

    /// The `filters` query value selecting managed objects of this scope.
    static func filter(scope: [String: String], extra: [String: [String]] = [:]) -> String {
        var filters = extra
        filters["label"] = ["\(managed)=true"] + scope.keys.sorted().map { "\($0)=\(scope[$0] ?? "")" }
        let data = (try? JSONEncoder().encode(filters)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
