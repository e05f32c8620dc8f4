import Foundation

/// The few fields a resync compares, read for every engine at once (`Store.engineSummaries`).
/// A full `EngineRecord` carries the spec and status documents; reading and decoding those for
/// a fleet of 100,000 every resync interval is what made a relist take seconds.
public struct EngineSummary: Sendable, Equatable {
    public var id: UUID
    public var productID: UUID
    public var userID: String
    /// State, key generation and image pin: with `keyVersion` and the product, all a runtime
    /// spec (and so its hash) is built from.
    public var spec: EngineSpec
    public var keyVersion: Int
    /// See `EngineRecord.keyScheme`.
    public var keyScheme: Int
    public var markedForDeletion: Bool
    public var generation: Int64
    public var observedGeneration: Int64
    public var phase: EnginePhase
    /// The stored status says Ready.
    public var ready: Bool
    /// The runtime instance the stored status was written for.
    public var runtimeID: String?

    public init(
        id: UUID, productID: UUID, userID: String, spec: EngineSpec, keyVersion: Int, markedForDeletion: Bool, generation: Int64,
        observedGeneration: Int64, phase: EnginePhase, ready: Bool, runtimeID: String?,
        keyScheme: Int = EngineKeyDeriver.currentScheme
    ) {
        self.id = id
        self.productID = productID
        self.userID = userID
        self.spec = spec
        self.keyVersion = keyVersion
        self.keyScheme = keyScheme
        self.markedForDeletion = markedForDeletion
        self.generation = generation
        self.observedGeneration = observedGeneration
        self.phase = phase
        self.ready = ready
        self.runtimeID = runtimeID
    }

    public init(_ engine: EngineRecord) {
        self.init(
            id: engine.id, productID: engine.productID, userID: engine.userID, spec: engine.spec, keyVersion: engine.keyVersion,
            markedForDeletion: engine.isMarkedForDeletion,
            generation: engine.generation, observedGeneration: engine.status.observedGeneration, phase: engine.status.phase,
            ready: engine.status.isReady, runtimeID: engine.status.runtimeID, keyScheme: engine.keyScheme
        )
    }
}
