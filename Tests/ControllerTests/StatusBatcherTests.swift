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
            let committer = Task { await batcher.run() }
            defer { committer.cancel() }
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

    @Test("once its run is cancelled (the lease lost), nothing more commits: waiting and later writes fail, the batch in flight ends first")
    func nothingCommitsAfterTheTermEnds() async throws {
        try await StoreFactory.withStore(.sqlite) { store in
            let product = try await store.createProduct(Product(id: UUID(), slug: "term", displayName: "term", apiKeyHash: SecretHash.sha256Hex("term"), policy: Policy(), createdAt: Date()))
            var created: [UUID] = []
            for i in 0..<6 {
                created.append(try await store.createEngine(NewEngine(productID: product.id, userID: "u\(i)", spec: EngineSpec(), keyVersion: 1), maxEngines: nil, now: Date()).id)
            }
            let ids = created
            let gated = GatedStatusWriter(store: store)
            let batcher = StatusBatcher(store: gated)
            let status = EngineStatus(phase: .running, observedGeneration: 1, url: "http://127.0.0.1:9000")
            let before = try await store.currentRevision()

            // The leadership term: the batcher runs as its child, as in `Controller.lead()`.
            let term = Task { await batcher.run() }
            // One write reaches the store and is held there (the transaction in flight).
            let first = Task { try await batcher.write(ids[0], status) }
            await gated.entered.first { _ in true }
            // More writes queue behind it.
            let waiting = (1..<4).map { i in Task { try await batcher.write(ids[i], status) } }
            while await batcher.pendingCount < 3 { try await Task.sleep(for: .milliseconds(5)) }

            // The lease is lost: the term is cancelled, then the held transaction completes.
            term.cancel()
            gated.open()
            await term.value
            let endedAt = try await store.currentRevision()

            // The batch in flight ended before the term did: committed, or (SQLite sees the
            // cancellation before it begins) not, and its writer was told which.
            let firstCommitted = (try? await first.value) != nil
            for task in waiting {
                await #expect(throws: CancellationError.self) { try await task.value }
            }
            await #expect(throws: CancellationError.self) { try await batcher.write(ids[5], status) }
            #expect(gated.calls == 1, "one transaction, issued before the lease was lost")
            #expect(endedAt == before + (firstCommitted ? 1 : 0))
            #expect(try await store.engine(id: ids[0])?.status.url == (firstCommitted ? status.url : nil))
            #expect(try await store.currentRevision() == endedAt, "nothing committed after the term ended")
            for id in ids.dropFirst() { #expect(try await store.engine(id: id)?.status.url == nil) }
        }
    }
}

/// Holds every `writeStatuses` call until `open()` (not cancellable, like a Postgres
/// transaction once begun: it runs shielded); counts calls.
private final class GatedStatusWriter: StatusWriter, @unchecked Sendable {
    let store: any StatusWriter
    let entered: AsyncStream<Void>
    private let enteredSignal: AsyncStream<Void>.Continuation
    private let lock = NSLock()
    private var _calls = 0
    private var opened = false
    private var held: [CheckedContinuation<Void, Never>] = []
    var calls: Int { lock.withLock { _calls } }

    init(store: any StatusWriter) {
        self.store = store
        (entered, enteredSignal) = AsyncStream.makeStream(of: Void.self)
    }

    func open() {
        let release = lock.withLock { opened = true; defer { held = [] }; return held }
        for continuation in release { continuation.resume() }
    }

    func writeStatus(engineID: UUID, status: EngineStatus) async throws -> EngineRecord? {
        try await store.writeStatus(engineID: engineID, status: status)
    }

    func writeStatuses(_ writes: [StatusWrite]) async throws {
        lock.withLock { _calls += 1 }
        enteredSignal.yield()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = lock.withLock { if opened { return true }; held.append(continuation); return false }
            if now { continuation.resume() }
        }
        try await store.writeStatuses(writes)
    }
}
