import Controller
import DesiredState
import Drivers
import Foundation
import Synchronization
import TestSupport
import Testing

/// The fleet circuit breaker through the whole controller: a control-plane test on the
/// embedded SQLite store and the in-memory hollow driver (no containers: what is under test is
/// the decision to hold restarts and its record, not Docker).
@Suite("Restart circuit breaker (SQLite store, hollow driver)")
struct RestartBreakerTests {
    final class SwitchableProbe: Sendable {
        let outcome = Mutex(ProbeOutcome.ready)
        func callAsFunction(_ url: String) async -> ProbeOutcome { outcome.withLock { $0 } }
    }

    @Test("when most engines stop answering at once, restarts are held and the breaker is audited open, then closed")
    func holdsRestarts() async throws {
        try await StoreFactory.withStore(.sqlite) { store in
            let keys = EngineKeyDeriver(keyring: try MasterKeyring(parsing: MasterKeyring.generateKeyText()))
            var policy = Policy()
            policy.template = EngineTemplate(image: "hollow:1")
            let product = try await store.createProduct(Product(id: UUID(), slug: "breaker", displayName: "breaker", apiKeyHash: SecretHash.sha256Hex("breaker"), policy: policy, createdAt: Date()))
            var ids: [UUID] = []
            for i in 0..<12 {
                ids.append(try await store.createEngine(NewEngine(productID: product.id, userID: "u\(i)", spec: EngineSpec(state: .awake), keyVersion: keys.currentVersion), maxEngines: nil, now: Date()).id)
            }
            let probe = SwitchableProbe()
            let controller = Controller(
                store: store, driver: HollowDriver(configuration: .init()), builder: RuntimeSpecBuilder(defaultImage: "hollow:1", keys: keys),
                configuration: ControllerWorld.settings(), probe: { await probe($0) }, logger: ControllerWorld.logger
            )
            func breakerRows() async throws -> [AuditEntry] { try await store.audit(AuditQuery(action: .restartBreaker, limit: 10)) }
            func restarts() async throws -> [AuditEntry] { try await store.audit(AuditQuery(action: .autoRestartStart, limit: 1000)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await controller.run() }
                defer { group.cancelAll() }
                try await eventually(timeout: .seconds(60), "12 engines Ready") {
                    var ready = 0
                    for id in ids where try await store.engine(id: id)?.status.isReady == true { ready += 1 }
                    return ready == 12
                }
                probe.outcome.withLock { $0 = .unreachable("network partition") }
                try await eventually(timeout: .seconds(30), "breaker audited open") { try await breakerRows().first?.metadata["state"] == "open" }
                let opened = try #require(try await breakerRows().first)
                #expect(opened.metadata["failing"] == "12" || Int(opened.metadata["failing"] ?? "") ?? 0 > 6)
                // Liveness fails after 2 probes 1 s apart: hold for several such windows.
                try await Task.sleep(for: .seconds(4))
                let slipped = try await restarts()
                print("restarts before the breaker opened: \(slipped.count) of 12 engines")
                #expect(slipped.count < 6, "the breaker opened before most engines were restarted")
                #expect(slipped.allSatisfy { $0.timestamp <= opened.timestamp }, "no restart after the breaker opened")
                probe.outcome.withLock { $0 = .ready }
                try await eventually(timeout: .seconds(30), "breaker audited closed") { try await breakerRows().first?.metadata["state"] == "closed" }
            }
        }
    }
}
