import Foundation
import Logging

/// Probes running engines on a per-engine schedule and tells the controller when something
/// changed (first answer, ready flipped, liveness threshold crossed). It decides nothing: the
/// planner reads `observation(_:startedAt:)`.
///
/// Booting engines are probed fast (every `bootInterval`) so Ready is seen within one interval
/// of the engine answering; steady engines every `interval` ± 10 % jitter, so probes of a large
/// fleet spread out instead of arriving in bursts. At most `concurrency` probes run at once.
public actor HealthProber {
    struct Target {
        var url: String
        var startedAt: Date?
        var booting: Bool
        var nextProbe: ContinuousClock.Instant
        var observation: HealthObservation
    }

    private var targets: [UUID: Target] = [:]
    /// Next probe times; stale entries (the target moved or went) are skipped on pop. Keeps a
    /// tick O(due), not O(fleet): a fleet of 100k engines costs nothing between probes.
    private var schedule = DeadlineHeap<ContinuousClock.Instant, UUID>()
    /// Engines failing right now (unreachable or unready), kept up to date so the breaker is
    /// O(1) on every reconcile.
    private var failing: Set<UUID> = []
    private let probe: @Sendable (String) async -> ProbeOutcome
    private let interval: Duration
    private let bootInterval: Duration
    private let concurrency: Int
    private let now: @Sendable () -> Date
    private let logger: Logger
    /// Share of tracked engines that may be failing before restarts are held.
    private let breakerThreshold: Double
    private let breakerMinimum: Int

    public init(
        probe: @escaping @Sendable (String) async -> ProbeOutcome, interval: Duration, bootInterval: Duration = .milliseconds(20),
        concurrency: Int = 50, breakerThreshold: Double = 0.5, breakerMinimum: Int = 10,
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "bap.health")
    ) {
        self.probe = probe
        self.interval = interval
        self.bootInterval = bootInterval
        self.concurrency = concurrency
        self.breakerThreshold = breakerThreshold
        self.breakerMinimum = breakerMinimum
        self.now = now
        self.logger = logger
    }

    /// Probe this engine from now on. A new `startedAt` (the engine restarted) forgets what was
    /// known and probes fast until the first ready answer.
    ///
    /// `knownReady`: the engine was Ready in its stored status for this same start (a new
    /// leadership term re-registering a converged fleet). It starts as ready, and its first
    /// probe is spread over one interval, so a new term neither rewrites every status nor
    /// probes the whole fleet at once.
    public func track(_ id: UUID, url: String, startedAt: Date?, knownReady: Bool = false) {
        if var target = targets[id], target.startedAt == startedAt {
            target.url = url
            targets[id] = target
            return
        }
        var target = Target(url: url, startedAt: startedAt, booting: true, nextProbe: .now, observation: .unknown)
        if knownReady {
            target.booting = false
            target.observation = HealthObservation(ready: true)
            target.nextProbe = ContinuousClock.now.advanced(by: interval * Double.random(in: 0..<1))
        }
        targets[id] = target
        failing.remove(id)
        schedule.push(target.nextProbe, id)
    }

    /// Many at once (a resync hands over the whole running fleet): one actor hop, not one each.
    public func track(_ batch: [ResyncDiff.HealthTarget]) {
        for target in batch { track(target.engineID, url: target.url, startedAt: target.startedAt, knownReady: target.knownReady) }
    }

    public func untrack(_ id: UUID) {
        targets[id] = nil
        failing.remove(id)
    }

    /// What is known since `startedAt`; unknown for another start.
    public func observation(_ id: UUID, startedAt: Date?) -> HealthObservation {
        guard let target = targets[id], target.startedAt == startedAt else { return .unknown }
        return target.observation
    }

    public var trackedCount: Int { targets.count }
    public var failingCount: Int { failing.count }

    /// The fleet circuit breaker: true when more than the threshold share of tracked engines
    /// (and at least `breakerMinimum`) is failing at once. Restarts are held while it is open,
    /// because a mass failure is more likely the host, the network or a provider than the engines.
    public var restartsHeld: Bool {
        failing.count >= breakerMinimum && Double(failing.count) > breakerThreshold * Double(targets.count)
    }

    /// Probes until cancelled, calling `onChange` for every engine whose observation changed
    /// in a way the planner cares about.
    public func run(onChange: @escaping @Sendable (UUID) async -> Void) async {
        while !Task.isCancelled {
            let due = dueTargets()
            if !due.isEmpty {
                await probeAll(due, onChange: onChange)
            }
            do { try await Task.sleep(for: .milliseconds(10)) } catch { return }
        }
    }

    private func dueTargets() -> [(UUID, String, Date?)] {
        let now = ContinuousClock.now
        var due: [(UUID, String, Date?)] = []
        while let (deadline, id) = schedule.popIfDue(now) {
            guard let t = targets[id], t.nextProbe == deadline else { continue }
            due.append((id, t.url, t.startedAt))
        }
        return due
    }

    private func probeAll(_ due: [(UUID, String, Date?)], onChange: @escaping @Sendable (UUID) async -> Void) async {
        let probe = self.probe
        await withTaskGroup(of: (UUID, Date?, ProbeOutcome).self) { group in
            var pending = due[...]
            for _ in 0..<min(concurrency, pending.count) {
                let (id, url, started) = pending.removeFirst()
                group.addTask { (id, started, await probe(url)) }
            }
            while let (id, started, outcome) = await group.next() {
                if record(id, startedAt: started, outcome) { await onChange(id) }
                if let (nid, url, nstarted) = pending.popFirst() {
                    group.addTask { (nid, nstarted, await probe(url)) }
                }
            }
        }
    }

    /// Applies one outcome; returns true when the planner should look again.
    private func record(_ id: UUID, startedAt: Date?, _ outcome: ProbeOutcome) -> Bool {
        guard var t = targets[id], t.startedAt == startedAt else { return false }
        let before = t.observation
        var o = before
        o.lastProbeAt = now()
        switch outcome {
        case .ready:
            o.ready = true
            o.livenessFailures = 0
            o.message = nil
            t.booting = false
        case .unready(let message):
            o.ready = false
            o.livenessFailures = 0
            o.message = message
            t.booting = false
        case .unreachable(let message):
            // While booting, "not listening yet" is expected; the boot timeout covers it.
            if !t.booting {
                o.ready = false
                o.livenessFailures += 1
                o.message = message
            }
        }
        t.observation = o
        // Unready engines are looked at every second so recovery is seen soon; steady ones at
        // the configured interval with jitter.
        let steady = interval * Double.random(in: 0.9...1.1)
        let next = t.booting ? bootInterval : (o.ready == true ? steady : min(steady, .seconds(1)))
        t.nextProbe = ContinuousClock.now.advanced(by: next)
        targets[id] = t
        schedule.push(t.nextProbe, id)
        if o.livenessFailures > 0 || o.ready == false { failing.insert(id) } else { failing.remove(id) }
        return before.ready != o.ready || (o.livenessFailures != before.livenessFailures && o.livenessFailures > 0)
    }
}
