import Foundation

/// What a product's engines run: image, extra environment, resource limits. Any field left
/// out falls back to the orchestrator's configuration (`ORCH_ENGINE_IMAGE`, …).
public struct EngineTemplate: Sendable, Equatable, Hashable {
    public var image: String?
    public var env: [String: String]
    public var memoryMB: Int?
    public var cpus: Double?

    public init(image: String? = nil, env: [String: String] = [:], memoryMB: Int? = nil, cpus: Double? = nil) {
        self.image = image
        self.env = env
        self.memoryMB = memoryMB
        self.cpus = cpus
    }

    /// Variables the orchestrator sets itself; a template may not override them.
    public static let reservedEnv: Set<String> = ["ENGINE_KEY_HASH", "ENGINE_API_KEY", "PORT", "SQLITE_DB_PATH", "CATALOG_DIR"]

    public func validate() throws(ValidationError) {
        if let image { try Self.validateImage(image, field: "image") }
        try Policy.check(memoryMB, "memory_mb", 16...1_048_576)
        if let cpus, !(cpus >= 0.01 && cpus <= 256) {
            throw ValidationError(field: "cpus", message: "must be between 0.01 and 256, got \(cpus)")
        }
        for (name, value) in env {
            let ok = !name.isEmpty && name.count <= 128 && name.first.map { !$0.isNumber } == true
                && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            guard ok else { throw ValidationError(field: "env", message: "'\(name)' is not a valid variable name") }
            guard !Self.reservedEnv.contains(name) else {
                throw ValidationError(field: "env.\(name)", message: "is set by the orchestrator and cannot be overridden")
            }
            guard value.utf8.count <= 8192, !value.contains("\0") else {
                throw ValidationError(field: "env.\(name)", message: "must be at most 8192 bytes without NUL")
            }
        }
    }

    /// A Docker image reference (see `ImageReference`); anything else is a validation error
    /// naming `field`.
    public static func validateImage(_ image: String, field: String) throws(ValidationError) {
        try ImageReference.validate(image, field: field)
    }
}

extension EngineTemplate: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case image, env, cpus
        case memoryMB = "memory_mb"
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.reject(unknownIn: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            image: try c.decodeIfPresent(String.self, forKey: .image),
            env: try c.decodeIfPresent([String: String].self, forKey: .env) ?? [:],
            memoryMB: try c.decodeIfPresent(Int.self, forKey: .memoryMB),
            cpus: try c.decodeIfPresent(Double.self, forKey: .cpus)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(image, forKey: .image)
        if !env.isEmpty { try c.encode(env, forKey: .env) }
        try c.encodeIfPresent(memoryMB, forKey: .memoryMB)
        try c.encodeIfPresent(cpus, forKey: .cpus)
    }
}
