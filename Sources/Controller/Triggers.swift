import DesiredState
import Drivers
import Foundation
import Logging

/// Everything that puts engine ids into the queue, apart from health changes and the queue's
/// own timers. Each trigger only says *which* engine to look at.
struct Triggers: Sendable {
    let store: any Store
    let driver: any EngineDriver
    let queue: WorkQueue<UUID, ContinuousClock>
    let interval: Duration
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
            case .resync: await resync(everything: false)
            }
        }
    }

    /// A full resync at once (reconciling every engine, which also registers running ones with
    /// the prober), then a cheap diff every `interval`.
    func resyncPeriodically() async {
        var everything = true
        while !Task.isCancelled {
            if await resync(everything: everything) { everything = false }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// Returns false when the driver or store could not be read (try again next interval).
    @discardableResult
    func resync(everything: Bool) async -> Bool {
        do {
            let observed = try await driver.list()
            var desired: [EngineRecord] = []
            var offset = 0
            while true {
                let page = try await store.listEngines(EngineQuery(limit: 5000, offset: offset))
                desired += page.engines
                offset += page.engines.count
                if page.engines.isEmpty || offset >= page.total { break }
            }
            let keys: [UUID]
            if everything {
                keys = Array(Set(desired.map(\.id)).union(observed.map(\.engineID)))
            } else {
                var modes: [UUID: SleepMode] = [:]
                for product in try await store.listProducts() { modes[product.id] = product.policy.sleepMode }
                keys = ResyncDiff.keysToReconcile(desired: desired, observed: observed, sleepModes: modes)
            }
            for key in keys { await queue.add(key) }
            return true
        } catch {
            logger.warning("resync failed", metadata: ["error": "\(error)"])
            return false
        }
    }
}
