import Foundation
import Testing
@testable import Drivers

/// The Hollow driver keeps the contract (it stands in for real drivers in scale benchmarks).
@Suite("HollowDriver")
struct HollowDriverTests {
    private func spec(_ image: String = "hollow:1") -> RuntimeSpec {
        RuntimeSpec(engineID: UUID(), productID: UUID(), userID: "u", image: image, keyGeneration: 1, keyHash: "00")
    }

    @Test("idempotent lifecycle with events")
    func lifecycle() async throws {
        let driver = HollowDriver(configuration: .init(portRange: 9001...9001))
        let events = driver.events()
        let spec = spec()
        let created = try await driver.create(spec)
        #expect(try await driver.create(spec) == created)
        var other = spec
        other.keyGeneration = 2
        await #expect(throws: DriverError.self) { try await driver.create(other) }
        await #expect(throws: DriverError.self) { try await driver.create(self.spec()) }  // the one port is taken
        try await driver.start(spec.engineID)
        try await driver.start(spec.engineID)
        try await driver.pause(spec.engineID)
        try await driver.unpause(spec.engineID)
        try await driver.stop(spec.engineID, grace: .zero)
        try await driver.stop(UUID(), grace: .zero)
        #expect(try await driver.observe(spec.engineID)?.exitCode == 0)
        try await driver.remove(spec.engineID, keepBrain: false)
        try await driver.remove(spec.engineID, keepBrain: false)
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .changed(spec.engineID))
    }

    @Test("missing images and injected failures")
    func failures() async throws {
        let driver = HollowDriver(configuration: .init(failureRates: [.start: 1], missingImages: ["gone:1"]))
        await #expect(throws: DriverError(.imageNotFound, "The engine image is missing.")) { try await driver.create(spec("gone:1")) }
        let healthy = spec()
        _ = try await driver.create(healthy)
        await #expect(throws: DriverError.self) { try await driver.start(healthy.engineID) }
    }
}
