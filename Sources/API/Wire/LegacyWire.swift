import DesiredState
import Foundation

/// `POST /engines/provision` body. Closed schema.
struct ProvisionRequest: Decodable, Sendable {
    var userID: String
    var engineVersion: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case userID = "user_id"
        case engineVersion = "engine_version"
    }

    init(from decoder: any Decoder) throws {
        try StrictKeys.reject(unknownIn: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        userID = try c.decode(String.self, forKey: .userID)
        engineVersion = try c.decodeIfPresent(String.self, forKey: .engineVersion)
        try Identifiers.validateUserID(userID)
        if let engineVersion { try EngineTemplate.validateImage(engineVersion, field: "engine_version") }
    }
}

/// `POST /engines/{user_id}/admit` body (optional). Absent flags fall back to the product
/// policy's defaults, then to `false` as in the original.
struct AdmitRequest: Decodable, Sendable {
    var autoProvision: Bool?
    var autoWake: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case autoProvision = "auto_provision"
        case autoWake = "auto_wake"
    }

    init(autoProvision: Bool? = nil, autoWake: Bool? = nil) {
        self.autoProvision = autoProvision
        self.autoWake = autoWake
    }

    init(from decoder: any Decoder) throws {
        try StrictKeys.reject(unknownIn: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        autoProvision = try c.decodeIfPresent(Bool.self, forKey: .autoProvision)
        autoWake = try c.decodeIfPresent(Bool.self, forKey: .autoWake)
    }
}

/// One engine as the original API shows it (`GET /engines/{user_id}`, inside `admit`).
/// `api_key` is present only where the original returns it (never in lists).
struct LegacyEngineView: Encodable, Sendable {
    var engineID: UUID
    var userID: String
    var status: String
    var url: String?
    var apiKey: String?
    var engineVersion: String
    var createdAt: Date
    var lastHealthAt: Date?

    enum CodingKeys: String, CodingKey {
        case engineID = "engine_id"
        case userID = "user_id"
        case status, url
        case apiKey = "api_key"
        case engineVersion = "engine_version"
        case createdAt = "created_at"
        case lastHealthAt = "last_health_at"
    }

    /// `url` and `last_health_at` are written as `null` when unknown, as the original does.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(engineID.uuidString.lowercased(), forKey: .engineID)
        try c.encode(userID, forKey: .userID)
        try c.encode(status, forKey: .status)
        try c.encode(url, forKey: .url)
        try c.encodeIfPresent(apiKey, forKey: .apiKey)
        try c.encode(engineVersion, forKey: .engineVersion)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(lastHealthAt, forKey: .lastHealthAt)
    }
}

extension EngineRecord {
    /// The original's `status` value: `destroying` once deletion was asked, else the phase.
    var legacyStatus: String { isMarkedForDeletion ? EnginePhase.destroying.rawValue : status.phase.rawValue }
}

extension APIEnvironment {
    func legacyView(_ engine: EngineRecord, product: Product, withKey: Bool) throws(APIError) -> LegacyEngineView {
        LegacyEngineView(
            engineID: engine.id, userID: engine.userID, status: engine.legacyStatus, url: engine.status.url,
            // Never a key for an engine being destroyed, whoever asks.
            apiKey: withKey && !engine.isMarkedForDeletion ? try engineKey(engine) : nil, engineVersion: engineVersion(engine, product: product),
            createdAt: engine.createdAt, lastHealthAt: engine.status.lastHealthAt
        )
    }
}

/// `POST /engines/provision` answer.
struct ProvisionResponse: Encodable, Sendable {
    var engine_id: String
    var user_id: String
    var status: String
    var url: String?
    var api_key: String

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(engine_id, forKey: .engine_id)
        try c.encode(user_id, forKey: .user_id)
        try c.encode(status, forKey: .status)
        try c.encode(url, forKey: .url)
        try c.encode(api_key, forKey: .api_key)
    }
    enum CodingKeys: String, CodingKey { case engine_id, user_id, status, url, api_key }
}

/// `POST /engines/{user_id}/admit` answer.
struct AdmitResponse: Encodable, Sendable {
    var admitted: Bool
    var engine: LegacyEngineView?
    var reason: String?

    enum CodingKeys: String, CodingKey { case admitted, engine, reason }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(admitted, forKey: .admitted)
        try c.encode(engine, forKey: .engine)
        try c.encodeIfPresent(reason, forKey: .reason)
    }
}

/// `GET /engines` answer.
struct EngineListResponse: Encodable, Sendable {
    var engines: [LegacyEngineView]
    var total: Int
}

/// Small answers of the lifecycle verbs.
struct LifecycleResponse: Encodable, Sendable {
    var status: String
    var engine_id: String
    var user_id: String
    var url: String?
}

/// `POST /engines/{user_id}/rotate-key` answer. [INFERRED] field name `api_key`.
struct RotateKeyResponse: Encodable, Sendable {
    var engine_id: String
    var user_id: String
    var api_key: String
    var key_generation: Int
}
