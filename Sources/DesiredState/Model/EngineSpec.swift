import Foundation

/// What the user of the fleet wants for one engine. Only the API and the idle sleeper write it;
/// every change bumps the engine's `generation`.
public struct EngineSpec: Sendable, Equatable, Hashable {
    public var state: DesiredEngineState
    /// Bumping it rotates the engine key: the engine restarts with the new key's hash.
    public var keyGeneration: Int
    /// Overrides the product template's image for this engine (canaries, pins).
    public var image: String?

    public init(state: DesiredEngineState = .awake, keyGeneration: Int = 1, image: String? = nil) {
        self.state = state
        self.keyGeneration = keyGeneration
        self.image = image
    }

    public func validate() throws(ValidationError) {
        guard keyGeneration >= 1, keyGeneration <= 1_000_000_000 else {
            throw ValidationError(field: "key_generation", message: "must be between 1 and 1000000000")
        }
        if let image { try EngineTemplate.validateImage(image, field: "image") }
    }

    /// The one rule every spec write obeys (the store calls it on update and on fleet apply):
    /// `key_generation` never goes down. A lower generation would derive a key that was
    /// rotated out, making a revoked key valid again. Equal is fine (nothing rotates).
    public func validateSuccessor(_ next: EngineSpec) throws(ValidationError) {
        guard next.keyGeneration >= keyGeneration else {
            throw ValidationError(
                field: "key_generation",
                message: "cannot go down from the current \(keyGeneration) to \(next.keyGeneration) (a lower generation would make a revoked key valid again)"
            )
        }
    }
}

/// `awake`: running and healthy. `asleep`: not using compute, brain kept, woken on admit.
/// `stopped`: stopped on purpose, only `start` brings it back.
public enum DesiredEngineState: String, Sendable, Codable, Hashable, CaseIterable {
    case awake, asleep, stopped
}

extension EngineSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case state, image
        case keyGeneration = "key_generation"
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.reject(unknownIn: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            state: try c.decodeIfPresent(DesiredEngineState.self, forKey: .state) ?? .awake,
            keyGeneration: try c.decodeIfPresent(Int.self, forKey: .keyGeneration) ?? 1,
            image: try c.decodeIfPresent(String.self, forKey: .image)
        )
        if !decoder.isStoredValue { try validate() }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(state, forKey: .state)
        try c.encode(keyGeneration, forKey: .keyGeneration)
        try c.encodeIfPresent(image, forKey: .image)
    }
}
