import DesiredState
import Foundation
import TestSupport
import Testing
@testable import Controller

/// Group commit of status writes, on the embedded SQLite store.
@Suite("Status batcher")
struct StatusBatcherTests {
    @Test("50 concurrent writes are all stored, in fewer transactions than writes; each returns once committed")
    func concurrentWrites() async throws {
        try await StoreFactory.withStore(.sqlite) { store in
            let product = try await store.createProduct(Product(id: UUID(), slug: "batch", displayName: "batch", apiKeyHash: SecretHash.sha256Hex("batch"), policy: Policy(), createdAt: Date()))
            var ids: [UUID] = []
            for i in 0..<50 {
                ids.append(try await store.createEngine(NewEngine(productID: product.id, userID: "u\(i)", spec: EngineSpec(), keyVersion: 1), maxEngines: nil, now: Date()).id)
            }
            let batcher = StatusBatcher(store: store)
            let before = try await store.currentRevision()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, id) in ids.enumerated() {
                    group.addTask {
                        let status = EngineStatus(phase: .running, observedGeneration: 1, url: "http://127.0.0.1:\(9000 + i)")
                        try await batcher.write(id, status)
                        // Committed by the time write returns.
                        #expect(try await store.engine(id: id)?.status.url == status.url)
                    }
                }
                try await group.waitForAll()
            }
            let transactions = await batcher.transactions
            print("status batcher: 50 writes in \(transactions) transactions")
            #expect(transactions < 50)
            #expect(try await store.currentRevision() == before + 50, "one revision per changed engine, none lost")
        }
    }
}
