import DesiredState
import Drivers
import Foundation
import Logging

/// Everything that puts engine ids into the queue, apart from health changes and the queue's
/// own timers. Each trigger only says *which* engine to look at.
struct Triggers: Sendable {
    let store: any DesiredStateReader & ChangeFeed
    let driver: any EngineDriver
    let queue: WorkQueue<UUID, ContinuousClock>
    let prober: HealthProber
    let specHashes: SpecHashMemo
    let interval: Duration
    let metrics: ControllerMetrics
    let logger: Logger

    /// Follows the store's change log (NOTIFY-woken on Postgres). Status entries are the
    /// controller's own writes and are skipped.
    func watchStore() async {
        var cursor: Int64?
        while !Task.isCancelled {
            do {
                let start: Int64
                if let c = cursor { start = c } else { start = try await store.currentRevision() }
                cursor = start
                let revision = try await store.waitForChange(after: start, timeout: .seconds(5))
                guard revision > start else { continue }
                let changes = try await store.changes(since: start, limit: 2000)
                for change in changes where change.kind != .status { await queue.add(change.engineID) }
                cursor = changes.last?.revision ?? revision
            } catch let error as StoreError where error.isCompacted {
                // Fell behind the retained change log: what was missed is unknown, so look at
                // everything once and follow from now.
                logger.warning("store watch fell behind the retained change log; resyncing", metadata: ["error": "\(error)"])
                cursor = nil
                await resync()
            } catch {
                if Task.isCancelled { return }
                logger.warning("store watch failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Driver events (container exits within a second). A reconnect means events may have
    /// been lost: resync.
    func watchDriver() async {
        for await event in driver.events() {
            switch event {
            case .changed(let id): await queue.add(id)
            case .resync: await resync()
            }
        }
    }

    /// A resync at once (the start of a leadership term), then one every `interval`.
    func resyncPeriodically() async {
        while !Task.isCancelled {
            await resync()
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// One `list()`, one narrow read of every desired row, a pure diff: the engines that do not
    /// match (or whose runtime carries another spec hash) are queued; the running rest is
    /// handed to the prober, seeded from the stored status. A converged fleet costs no
    /// reconcile and no write, also at the start of a term. Returns false when the driver or
    /// store could not be read (try again next interval).
    @discardableResult
    func resync() async -> Bool {
        let started = ContinuousClock.now
        do {
            let observed = try await driver.list()
            let desired = try await store.engineSummaries()
            let products = Dictionary(try await store.listProducts().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let hashes = specHashes.pass(products: products)
            let keys = ResyncDiff.keysToReconcile(
                desired: desired, observed: observed, sleepModes: products.mapValues(\.policy.sleepMode), expectedSpecHash: hashes.hash
            )
            hashes.finish()
            for key in keys { await queue.add(key) }
            await prober.track(ResyncDiff.healthTargets(desired: desired, observed: observed, skipping: Set(keys)))
            // Shared runtime resources (a product's network) of products without engines.
            do { try await driver.collectGarbage(keepingProducts: Set(desired.map(\.productID))) } catch {
                logger.debug("runtime garbage collection failed", metadata: ["error": "\(error)"])
            }
            metrics.resynced(engines: desired.count, queued: keys.count, duration: started.duration(to: .now))
            return true
        } catch {
            logger.warning("resync failed", metadata: ["error": "\(error)"])
            return false
        }
    }
}
