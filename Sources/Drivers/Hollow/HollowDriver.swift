import Foundation

/// An in-memory driver **for controller scale benchmarks only** (kubemark's idea): engines
/// are entries in a table, operations take configurable time and fail at configurable rates,
/// nothing runs and nothing listens on the URLs it reports. Never the default; never evidence
/// that Docker or processes work. Honours the idempotency contract like the real drivers.
public struct HollowDriver: EngineDriver {
    public let configuration: HollowDriverConfiguration
    let runtime: HollowRuntime

    public init(configuration: HollowDriverConfiguration = .init()) {
        self.configuration = configuration
        self.runtime = HollowRuntime(portRange: configuration.portRange)
    }

    public func list() async throws(DriverError) -> [ObservedEngine] {
        try await pretend(.list)
        return await runtime.engines.values.map(\.observed)
    }

    public func observe(_ engineID: UUID) async throws(DriverError) -> ObservedEngine? {
        try await pretend(.observe)
        return await runtime.engine(engineID)?.observed
    }

    public func create(_ spec: RuntimeSpec) async throws(DriverError) -> ObservedEngine {
        try await pretend(.create)
        if let existing = await runtime.engine(spec.engineID) {
            guard existing.observed.specHash == spec.specHash else { throw DriverError(.conflict, "The engine exists with another spec; remove it first.") }
            return existing.observed
        }
        guard !configuration.missingImages.contains(spec.image) else { throw DriverError(.imageNotFound, "The engine image is missing.") }
        let port = try await runtime.allocatePort()
        let engine = ObservedEngine(
            engineID: spec.engineID, productID: spec.productID, userID: spec.userID, state: .created,
            specHash: spec.specHash, keyGeneration: spec.keyGeneration, url: "http://127.0.0.1:\(port)", runtimeID: "hollow-\(port)-\(await runtime.nextSerial())"
        )
        await runtime.put(.init(observed: engine, port: port))
        return engine
    }

    public func start(_ engineID: UUID) async throws(DriverError) {
        try await pretend(.start)
        try await change(engineID) { engine in
            guard engine.state != .running else { return }
            engine.state = .running
            engine.exitCode = nil
            engine.startedAt = Date()
        }
    }

    public func stop(_ engineID: UUID, grace: Duration) async throws(DriverError) {
        try await pretend(.stop)
        _ = await runtime.update(engineID) { engine in
            guard engine.state == .running || engine.state == .paused else { return }
            engine.state = .exited
            engine.exitCode = 0
            engine.finishedAt = Date()
        }
    }

    public func pause(_ engineID: UUID) async throws(DriverError) {
        try await pretend(.pause)
        try await change(engineID) { engine in if engine.state == .running { engine.state = .paused } }
    }

    public func unpause(_ engineID: UUID) async throws(DriverError) {
        try await pretend(.unpause)
        try await change(engineID) { engine in if engine.state == .paused { engine.state = .running } }
    }

    public func remove(_ engineID: UUID, keepBrain: Bool) async throws(DriverError) {
        try await pretend(.remove)
        await runtime.delete(engineID)
    }

    public func events() -> AsyncStream<DriverEvent> {
        let (stream, continuation) = AsyncStream<DriverEvent>.makeStream(bufferingPolicy: .bufferingNewest(65536))
        let id = UUID()
        let listeners = runtime.listeners
        listeners.add(id, continuation)
        continuation.onTermination = { _ in listeners.remove(id) }
        return stream
    }

    public func logs(_ engineID: UUID, tail: Int) async throws(DriverError) -> String {
        try await pretend(.logs)
        guard await runtime.engine(engineID) != nil else { throw DriverError(.notFound, "The engine does not exist.") }
        return ""
    }

    /// Makes a running engine exit as if it crashed (benchmarks of restart handling).
    public func crash(_ engineID: UUID, exitCode: Int = 137, oomKilled: Bool = false) async {
        _ = await runtime.update(engineID) { engine in
            engine.state = .exited
            engine.exitCode = exitCode
            engine.oomKilled = oomKilled
            engine.finishedAt = Date()
        }
    }

    private func change(_ engineID: UUID, _ body: @Sendable (inout ObservedEngine) -> Void) async throws(DriverError) {
        guard await runtime.update(engineID, body) else { throw DriverError(.notFound, "The engine does not exist.") }
    }

    private func pretend(_ operation: HollowOperation) async throws(DriverError) {
        if let latency = configuration.latencies[operation], latency > .zero { try? await Task.sleep(for: latency) }
        if let rate = configuration.failureRates[operation], Double.random(in: 0..<1) < rate {
            throw DriverError(.unavailable, "Injected failure of \(operation.rawValue).")
        }
    }
}
