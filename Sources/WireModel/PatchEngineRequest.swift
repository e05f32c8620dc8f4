import DesiredState
import Foundation

/// `PATCH /v1/products/{product}/engines/{user}` body: a JSON merge patch of the spec,
/// `{"spec": {"state": "asleep"}}`. Absent fields stay; `"image": null` removes the pin. The
/// server decodes it strictly; the CLI writes it (`rotate-key`).
public struct PatchEngineRequest: Codable, Sendable {
    public var state: DesiredEngineState?
    public var keyGeneration: Int?
    /// `nil`: leave the pin; `.some(nil)`: remove it; `.some(image)`: pin it.
    public var image: String??

    enum Outer: String, CodingKey, CaseIterable { case spec }
    enum Inner: String, CodingKey, CaseIterable {
        case state, image
        case keyGeneration = "key_generation"
    }

    public init(state: DesiredEngineState? = nil, keyGeneration: Int? = nil, image: String?? = nil) {
        self.state = state
        self.keyGeneration = keyGeneration
        self.image = image
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.reject(unknownIn: decoder, allowed: Outer.allCases.map(\.rawValue))
        let outer = try decoder.container(keyedBy: Outer.self)
        let specDecoder = try outer.superDecoder(forKey: .spec)
        try StrictKeys.reject(unknownIn: specDecoder, allowed: Inner.allCases.map(\.rawValue))
        let c = try specDecoder.container(keyedBy: Inner.self)
        state = try c.decodeIfPresent(DesiredEngineState.self, forKey: .state)
        keyGeneration = try c.decodeIfPresent(Int.self, forKey: .keyGeneration)
        if c.contains(.image) { image = .some(try c.decodeNil(forKey: .image) ? nil : try c.decode(String.self, forKey: .image)) }
    }

    /// Writes only the fields the patch changes (a removed pin as `"image": null`).
    public func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: Outer.self)
        var c = outer.nestedContainer(keyedBy: Inner.self, forKey: .spec)
        try c.encodeIfPresent(state, forKey: .state)
        try c.encodeIfPresent(keyGeneration, forKey: .keyGeneration)
        if let image { try c.encode(image, forKey: .image) }
    }

    /// `spec` with the patch applied, validated.
    public func applied(to spec: EngineSpec) throws(ValidationError) -> EngineSpec {
        var spec = spec
        if let state { spec.state = state }
        if let keyGeneration { spec.keyGeneration = keyGeneration }
        if let image { spec.image = image }
        try spec.validate()
        return spec
    }
}
