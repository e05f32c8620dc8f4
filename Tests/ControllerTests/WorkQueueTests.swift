@testable import Controller
import TestSupport
import Testing

@Suite("WorkQueue")
struct WorkQueueTests {
    func makeQueue(_ clock: ManualClock = ManualClock()) -> WorkQueue<String, ManualClock> {
        WorkQueue(clock: clock, backoff: Backoff(base: .seconds(1), max: .seconds(8)), jitter: 0,
                  bucket: TokenBucket(ratePerSecond: 1000, burst: 1000), random: { 0.5 })
    }

    @Test("a key added twice while waiting is handed out once")
    func dedupe() async {
        let queue = makeQueue()
        await queue.add("a")
        await queue.add("a")
        await queue.add("b")
        #expect(await queue.depth == 2)
        #expect(await queue.get() == "a")
        #expect(await queue.get() == "b")
    }

    @Test("a key added while processing runs again after done, not concurrently")
    func reAddWhileProcessing() async {
        let queue = makeQueue()
        await queue.add("a")
        let first = await queue.get()
        #expect(first == "a")
        await queue.add("a")
        #expect(await queue.depth == 0)
        await queue.done("a")
        #expect(await queue.depth == 1)
        #expect(await queue.get() == "a")
    }

    @Test("rate-limited adds back off exponentially per key until forgotten")
    func perKeyBackoff() async {
        let queue = makeQueue()
        var delays: [Duration] = []
        for _ in 0..<5 { delays.append(await queue.addRateLimited("a")) }
        #expect(delays == [1, 2, 4, 8, 8].map { Duration.seconds($0) })
        await queue.forget("a")
        #expect(await queue.addRateLimited("a") == .seconds(1))
        #expect(await queue.addRateLimited("b") == .seconds(1))
    }

    @Test("delayed adds keep the earliest deadline and fire when the clock passes it")
    func delayedAdds() async throws {
        let clock = ManualClock()
        let queue = makeQueue(clock)
        await queue.addAfter("a", .seconds(10))
        await queue.addAfter("a", .seconds(3))
        await queue.addAfter("a", .seconds(20))
        #expect(await queue.delayedCount == 1)
        clock.advance(by: .seconds(2))
        await queue.promoteDue()
        #expect(await queue.depth == 0)
        clock.advance(by: .seconds(1))
        await queue.promoteDue()
        #expect(await queue.depth == 1)
        #expect(await queue.delayedCount == 0)
    }

    @Test("shutdown drains what is queued, then get returns nil")
    func drainingShutdown() async {
        let queue = makeQueue()
        await queue.add("a")
        await queue.shutDown()
        await queue.add("b")
        #expect(await queue.get() == "a")
        #expect(await queue.get() == nil)
    }

    @Test("an idle worker waiting in get is woken by shutdown")
    func shutdownWakesWaiters() async {
        let queue = makeQueue()
        async let waiting = queue.get()
        try? await Task.sleep(for: .milliseconds(20))
        await queue.shutDown()
        #expect(await waiting == nil)
    }
}
