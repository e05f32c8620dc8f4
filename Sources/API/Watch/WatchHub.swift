import DesiredState
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import WireModel

/// The one reader of the change log for every watch stream of this process: it waits on the
/// store (NOTIFY-woken on Postgres), reads each batch of changes once, reads each changed
/// engine once, and fans the events out to the subscribed streams through bounded buffers.
/// 500 open streams cost one store reader, not 500 pollers.
///
/// It also enforces the caps (per product and in total: 429 `WATCH_LIMIT`), ticks the
/// heartbeat for all streams at once, and ends the streams of a product whose platform key
/// was rotated or which was deleted: at once when that happens through this process
/// (`productChanged`), within `watchProductCheck` when another replica did it.
public final class WatchHub: Service, Sendable {
    private struct State {
        var nextID = 0
        var subscribers: [Int: WatchSubscription] = [:]
        var perProduct: [UUID: Int] = [:]
    }

    let store: any DesiredStateReader & ChangeFeed
    let configuration: APIConfiguration
    let logger: Logger
    private let state = Mutex(State())
    /// Product slugs of the engines framed so far (a slug never changes).
    private let slugs = Mutex<[UUID: String]>([:])
    static let batch = 500

    init(store: any DesiredStateReader & ChangeFeed, configuration: APIConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Open streams (total) and per product, for metrics and tests.
    var openCount: Int { state.withLock { $0.subscribers.count } }

    /// Takes a place for a new stream, or throws 429 when a cap is reached (checked and taken
    /// under one lock: concurrent opens cannot pass a cap).
    func subscribe(productID: UUID?, keyHash: String?) throws(APIError) -> WatchSubscription {
        let c = configuration
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        let subscription = WatchSubscription(id: id, productID: productID, keyHash: keyHash, buffer: c.watchBuffer) { [weak self] id in
            self?.remove(id)
        }
        try state.withLock { (state: inout State) throws(APIError) in
            guard state.subscribers.count < c.maxWatches else { throw APIError.watchLimit("this server", c.maxWatches) }
            if let productID, state.perProduct[productID, default: 0] >= c.maxWatchesPerProduct {
                throw APIError.watchLimit("this product", c.maxWatchesPerProduct)
            }
            state.subscribers[id] = subscription
            if let productID { state.perProduct[productID, default: 0] += 1 }
        }
        return subscription
    }

    private func remove(_ id: Int) {
        state.withLock { state in
            guard let gone = state.subscribers.removeValue(forKey: id) else { return }
            if let product = gone.productID {
                state.perProduct[product, default: 1] -= 1
                if state.perProduct[product] == 0 { state.perProduct[product] = nil }
            }
        }
    }

    private var subscribers: [WatchSubscription] { state.withLock { Array($0.subscribers.values) } }

    /// A product's key was rotated or the product deleted through this process: end its
    /// streams now (`product` nil: deleted). Admin streams end only when the product is gone.
    func productChanged(_ productID: UUID, now product: Product?) {
        for subscription in subscribers where subscription.productID == productID {
            if product == nil { subscription.end(.productDeleted) }
            else if let hash = subscription.keyHash, hash != product?.apiKeyHash { subscription.end(.keyRotated) }
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.follow() }
        for subscription in subscribers { subscription.end(.shutdown) }
    }

    private func follow() async {
        let clock = ContinuousClock()
        var cursor: Int64?
        var nextBeat = clock.now.advanced(by: configuration.watchHeartbeat)
        var nextCheck = clock.now.advanced(by: configuration.watchProductCheck)
        while !Task.isCancelled {
            do {
                if cursor == nil { cursor = try await store.currentRevision() }
                let from = cursor ?? 0
                let wait = max(.milliseconds(10), clock.now.duration(to: min(nextBeat, nextCheck)))
                if try await store.waitForChange(after: from, timeout: wait) > from { cursor = try await drain(after: from) }
                // Every stream gets the beat on time, whatever other products' changes do.
                if clock.now >= nextBeat {
                    for subscription in subscribers { subscription.send(.heartbeat) }
                    nextBeat = clock.now.advanced(by: configuration.watchHeartbeat)
                }
                if clock.now >= nextCheck {
                    try await checkProducts()
                    nextCheck = clock.now.advanced(by: configuration.watchProductCheck)
                }
            } catch let error as StoreError where error.isCompacted {
                // The hub itself fell behind the retained change log: every stream may have
                // missed changes, so each gets `resync` and the hub starts over from now.
                logger.warning("watch hub: fell behind the retained change log; every stream resyncs")
                for subscription in subscribers { subscription.end(.slowConsumer) }
                cursor = nil
            } catch {
                if Task.isCancelled { return }
                logger.warning("watch hub: store read failed; retrying", metadata: ["error": "\(type(of: error))"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Reads every change after `revision` in batches and fans each batch out. Returns the
    /// revision reached.
    private func drain(after revision: Int64) async throws -> Int64 {
        var cursor = revision
        while true {
            let changes = try await store.changes(since: cursor, limit: Self.batch)
            guard let last = changes.last else { return cursor }
            try await fanOut(changes)
            cursor = last.revision
            if changes.count < Self.batch { return cursor }
        }
    }

    /// The latest change of each engine someone follows, its row read once, sent to each
    /// subscriber whose scope holds it, in revision order.
    private func fanOut(_ changes: [Change]) async throws {
        let listeners = subscribers
        guard !listeners.isEmpty else { return }
        let everything = listeners.contains { $0.productID == nil }
        let followed = Set(listeners.compactMap(\.productID))
        var last: [UUID: Change] = [:]
        for change in changes where everything || followed.contains(change.productID) { last[change.engineID] = change }
        for change in last.values.sorted(by: { $0.revision < $1.revision }) {
            let frame: ByteBuffer
            if let engine = try await store.engine(id: change.engineID) {
                let resource = EngineResource(engine, productSlug: try await slug(engine.productID))
                frame = try WatchStream.frame(id: change.revision, event: "engine", data: resource)
            } else {
                frame = try WatchStream.frame(id: change.revision, event: "deleted", data: DeletedEngine(change))
            }
            let event = WatchEvent.frame(revision: change.revision, frame)
            for subscription in listeners where subscription.wants(change.productID) { subscription.send(event) }
        }
    }

    private func slug(_ productID: UUID) async throws -> String {
        if let known = slugs.withLock({ $0[productID] }) { return known }
        guard let product = try await store.product(id: productID) else { return "" }
        slugs.withLock { $0[productID] = product.slug }
        return product.slug
    }

    /// One read per followed product: gone or re-keyed ends its streams. Places whose answer
    /// never started writing within 30 s are given back.
    private func checkProducts() async throws {
        for subscription in subscribers where !subscription.hasStarted && subscription.created.duration(to: .now) > .seconds(30) {
            subscription.end(.shutdown)
        }
        let followed = Set(subscribers.compactMap(\.productID))
        for productID in followed { productChanged(productID, now: try await store.product(id: productID)) }
    }
}
