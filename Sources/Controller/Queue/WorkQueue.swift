/// A work queue with client-go semantics. A key is an engine id and nothing else: the worker
/// re-reads everything, so queueing a key twice is the same as once.
///
/// - Dedupe: a key waiting in the queue is not added again.
/// - One worker per key: a key being processed is not handed out again; if it is added
///   meanwhile it is marked dirty and queued again when the worker calls `done`.
/// - Delayed adds (`addAfter`) keep the earliest deadline per key.
/// - `addRateLimited`: per-key exponential backoff with jitter, and a global token bucket
///   so a mass failure cannot turn into a retry storm; `forget` resets the key's failures.
/// - `shutDown`: no new work is accepted; `get` hands out what is queued, then returns nil
///   (draining), so workers finish their current item and exit.
public actor WorkQueue<Key: Hashable & Sendable, C: Clock> where C.Duration == Duration {
    private var items: [Key] = []
    private var head = 0
    private var dirty: Set<Key> = []
    private var processing: Set<Key> = []
    private var waiters: [CheckedContinuation<Key?, Never>] = []
    private var failures: [Key: Int] = [:]
    private var delayed: [Key: C.Instant] = [:]
    private var timers = DeadlineHeap<C.Instant, Key>()
    private var bucket: TokenBucket
    private var shuttingDown = false
    private let clock: C
    /// The bucket measures time from here.
    private let origin: C.Instant
    private let backoff: Backoff
    private let jitter: Double
    private let random: @Sendable () -> Double

    /// - Parameters:
    ///   - backoff: per-key failure backoff (client-go: 5 ms doubling to 1000 s; ours: 100 ms to 60 s).
    ///   - bucket: global retry rate (requeues per second, burst).
    ///   - random: a source of numbers in 0..<1 for jitter (tests pass a constant).
    public init(
        clock: C, backoff: Backoff = Backoff(base: .milliseconds(100), max: .seconds(60)),
        jitter: Double = 0.2, bucket: TokenBucket = TokenBucket(ratePerSecond: 200, burst: 2000),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.clock = clock
        self.origin = clock.now
        self.backoff = backoff
        self.jitter = jitter
        self.bucket = bucket
        self.random = random
    }

    /// Number of keys waiting (not counting delayed or in-flight ones).
    public var depth: Int { items.count - head }
    public var delayedCount: Int { delayed.count }
    public var inFlight: Int { processing.count }

    /// Queues `key` unless it is already waiting. Ignored after `shutDown`.
    public func add(_ key: Key) {
        guard !shuttingDown, !dirty.contains(key) else { return }
        dirty.insert(key)
        if processing.contains(key) { return }
        if let waiter = waiters.first {
            waiters.removeFirst()
            dirty.remove(key)
            processing.insert(key)
            waiter.resume(returning: key)
        } else {
            items.append(key)
        }
    }

    /// Queues `key` after `delay` (at once when `delay <= 0`). Keeps the earliest deadline.
    public func addAfter(_ key: Key, _ delay: Duration) {
        guard !shuttingDown else { return }
        guard delay > .zero else { return add(key) }
        let deadline = clock.now.advanced(by: delay)
        if let existing = delayed[key], existing <= deadline { return }
        delayed[key] = deadline
        timers.push(deadline, key)
    }

    /// Queues `key` after its backoff: one more failure for the key, jittered, and no sooner
    /// than the global bucket allows. Returns the delay chosen.
    @discardableResult
    public func addRateLimited(_ key: Key) -> Duration {
        let n = (failures[key] ?? 0) + 1
        failures[key] = n
        let perKey = backoff.delay(afterFailures: n, jitter: jitter, unit: random())
        let global = bucket.reserve(at: origin.duration(to: clock.now))
        let delay = max(perKey, global)
        addAfter(key, delay)
        return delay
    }

    /// Failures recorded for `key`.
    public func failureCount(_ key: Key) -> Int { failures[key] ?? 0 }

    /// Stops backoff tracking for `key` (it succeeded).
    public func forget(_ key: Key) { failures[key] = nil }

    /// The next key to work on; waits while the queue is empty. Returns nil once the queue is
    /// shut down and drained.
    public func get() async -> Key? {
        if head < items.count {
            let key = items[head]
            head += 1
            compact()
            dirty.remove(key)
            processing.insert(key)
            return key
        }
        if shuttingDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// The worker finished `key`. If it was added meanwhile, it is queued again.
    public func done(_ key: Key) {
        processing.remove(key)
        if dirty.contains(key) {
            dirty.remove(key)
            add(key)
        }
    }

    /// Accept no more work; wake idle workers so they can exit once the queue is drained.
    public func shutDown() {
        shuttingDown = true
        delayed.removeAll()
        timers = DeadlineHeap()
        let idle = waiters
        waiters.removeAll()
        for waiter in idle { waiter.resume(returning: nil) }
    }

    /// Moves due delayed keys into the queue until the queue is shut down. Run it as a child
    /// task of the controller. Sleeps at most `tick`, so a newly added earlier deadline is
    /// late by at most `tick`.
    public func runTimers(tick: Duration = .milliseconds(50)) async {
        while !shuttingDown {
            promoteDue()
            let now = clock.now
            var until = now.advanced(by: tick)
            if let next = timers.peek, next < until { until = next }
            do { try await clock.sleep(until: until, tolerance: nil) } catch { return }
        }
    }

    func promoteDue() {
        let now = clock.now
        while let (deadline, key) = timers.popIfDue(now) {
            guard delayed[key] == deadline else { continue }
            delayed[key] = nil
            add(key)
        }
    }

    private func compact() {
        if head > 1024, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
    }
}
