import DesiredState
import Foundation

/// `PUT /v1/products/{product}/engines/{user}` body: `{"spec": {...}}` (closed schema; spec
/// fields default as `EngineSpec` says, except `key_generation`: left out on an existing
/// engine, it keeps the live value, so a PUT never undoes a key rotation).
public struct PutEngineRequest: Decodable, Sendable {
    public var spec: EngineSpec
    /// The body named no `key_generation`.
    public var keyGenerationOmitted: Bool

    enum CodingKeys: String, CodingKey, CaseIterable { case spec }
    enum SpecKeys: String, CodingKey { case keyGeneration = "key_generation" }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.reject(unknownIn: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        spec = try c.decode(EngineSpec.self, forKey: .spec)
        keyGenerationOmitted = !(try c.nestedContainer(keyedBy: SpecKeys.self, forKey: .spec).contains(.keyGeneration))
    }

    /// The spec to write over `live`: the body's, with the live key generation when omitted.
    public func spec(over live: EngineSpec) -> EngineSpec {
        var spec = self.spec
        if keyGenerationOmitted { spec.keyGeneration = live.keyGeneration }
        return spec
    }
}
