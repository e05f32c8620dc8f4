import DesiredState
import Drivers
import Foundation

/// Turns desired state into what a driver runs: image (engine pin → product template →
/// orchestrator default), environment (pass-through, then template), limits, and the hash
/// of the derived engine key. The key itself never leaves this function.
public struct RuntimeSpecBuilder: Sendable {
    public var defaultImage: String
    /// `ORCH_ENGINE_ENV_PASSTHROUGH` names with their values from the orchestrator's environment.
    public var passthroughEnv: [String: String]
    public var keys: EngineKeyDeriver

    public init(defaultImage: String, passthroughEnv: [String: String] = [:], keys: EngineKeyDeriver) {
        self.defaultImage = defaultImage
        self.passthroughEnv = passthroughEnv
        self.keys = keys
    }

    /// Why a runtime spec cannot be built. `message` is a sentence safe to show and to log
    /// (never a key); it becomes the `InvalidSpec` condition's message.
    public struct Failure: Error, Sendable, Equatable {
        public var reason: ConditionReason
        public var message: String
    }

    public func build(_ engine: EngineRecord, product: Product?) throws(Failure) -> RuntimeSpec {
        try build(EngineSummary(engine), product: product)
    }

    /// The same from a resync's narrow row: everything a runtime spec depends on is in it.
    public func build(_ engine: EngineSummary, product: Product?) throws(Failure) -> RuntimeSpec {
        guard let key = keys.key(for: engine) else {
            throw Failure(reason: .masterKeyMissing, message: "Master key version \(engine.keyVersion) is not configured; rotate this engine's key.")
        }
        let template = product?.policy.template ?? EngineTemplate()
        var env = passthroughEnv
        env.merge(template.env) { _, product in product }
        return RuntimeSpec(
            engineID: engine.id, productID: engine.productID, userID: engine.userID,
            image: engine.spec.image ?? template.image ?? defaultImage,
            env: env, keyGeneration: engine.spec.keyGeneration, keyHash: SecretHash.sha256Hex(key),
            memoryMB: template.memoryMB, cpus: template.cpus
        )
    }
}

extension RuntimeSpecBuilder: Redacted {
    /// Pass-through variable names, never their values.
    public var redactedDescription: String {
        "RuntimeSpecBuilder(defaultImage: \(defaultImage), passthroughEnv: \(passthroughEnv.keys.sorted()) <values redacted>, keys: \(keys.redactedDescription))"
    }
}
