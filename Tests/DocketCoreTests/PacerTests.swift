import DocketCore
import Foundation
import Testing

/// The pacer on its own: how a 429 and fast answers move the concurrency,
/// and that its limits hold for requests racing for a place.
@Suite struct PacerTests {
    @Test func a429HalvesTheConcurrencyOncePerRoundAndFastRoundsAddOneBack() async {
        let pacer = Pacer(concurrency: 8, rateLimit: nil)
        #expect(await pacer.pace.concurrency == 8)
        // Eight requests at this pace: the share of 429s is read only once
        // a few answers came. Two of them meet a 429: one cut, not two.
        var tickets: [Pacer.Ticket] = []
        for _ in 0..<8 { tickets.append(await pacer.start()) }
        for t in tickets.prefix(6) { await pacer.finish(t, .answered(.milliseconds(10))) }
        await pacer.finish(tickets[6], .throttled(retryAfter: nil))
        #expect(await pacer.pace.concurrency == 8, "7 answers are too few to read")
        await pacer.finish(tickets[7], .throttled(retryAfter: nil))
        #expect(await pacer.pace.concurrency == 4)
        #expect(await pacer.pace.throttled == 2)
        // While the pace after a cut is judged, it stays.
        let c = await pacer.start()
        await pacer.finish(c, .throttled(retryAfter: nil))
        #expect(await pacer.pace.concurrency == 4)
        // Judged: 16 answers at 4 at once, all through but that one: the
        // cut stands. A 429 to a request sent since cuts again.
        for _ in 0..<15 {
            let t = await pacer.start()
            await pacer.finish(t, .answered(.milliseconds(10)))
        }
        let d = await pacer.start()
        await pacer.finish(d, .throttled(retryAfter: nil))
        #expect(await pacer.pace.concurrency == 2)
        // The pace after the cut is judged first (16 answers without a 429:
        // the cut stands), then each round of fast answers (as many as the
        // concurrency) adds one.
        for _ in 0..<16 {
            let t = await pacer.start()
            await pacer.finish(t, .answered(.milliseconds(10)))
        }
        #expect(await pacer.pace.concurrency == 2)
        let t = await pacer.start()
        await pacer.finish(t, .answered(.milliseconds(10)))
        #expect(await pacer.pace.concurrency == 3)
        for _ in 0..<100 {
            let t = await pacer.start()
            await pacer.finish(t, .answered(.milliseconds(10)))
        }
        #expect(await pacer.pace.concurrency == 8, "back up to the configured concurrency, and no further")
        #expect(await pacer.pace.text == "8 at once, 4 × 429")
    }

    /// A target that answers 429 to a share of requests whatever the pace:
    /// halving for it would only slow the batch down.
    @Test func a429ShareThatDoesNotFallWithThePaceIsNotCutFor() async {
        let pacer = Pacer(concurrency: 8, rateLimit: nil)
        for i in 0..<8 {
            let t = await pacer.start()
            await pacer.finish(t, i % 4 == 3 ? .throttled(retryAfter: nil) : .answered(.milliseconds(10)))
        }
        #expect(await pacer.pace.concurrency == 4)
        // At half the pace, one in four is still a 429.
        for i in 0..<16 {
            let t = await pacer.start()
            await pacer.finish(t, i % 4 == 3 ? .throttled(retryAfter: nil) : .answered(.milliseconds(10)))
        }
        #expect(await pacer.pace.concurrency == 8, "the cut is undone")
        // From now on a 429 now and then, at that share, cuts nothing.
        for i in 0..<80 {
            let t = await pacer.start()
            await pacer.finish(t, i % 5 == 4 ? .throttled(retryAfter: nil) : .answered(.milliseconds(10)))
        }
        #expect(await pacer.pace.concurrency == 8)
        // But 429s well past that share still do.
        for _ in 0..<10 {
            let t = await pacer.start()
            await pacer.finish(t, .throttled(retryAfter: nil))
        }
        #expect(await pacer.pace.concurrency < 8)
    }

    @Test func slowAnswersDoNotRaiseTheConcurrency() async {
        let pacer = Pacer(concurrency: 4, rateLimit: nil)
        for _ in 0..<8 {
            let t = await pacer.start()
            await pacer.finish(t, .throttled(retryAfter: nil))
        }
        #expect(await pacer.pace.concurrency == 2)
        let quick = await pacer.start()
        await pacer.finish(quick, .answered(.milliseconds(10)))
        // The target is queueing: answers take ten times as long.
        for _ in 0..<20 {
            let t = await pacer.start()
            await pacer.finish(t, .answered(.milliseconds(100)))
        }
        #expect(await pacer.pace.concurrency == 2)
        #expect(await pacer.pace.text == "2 of 4 at once, 8 × 429")
    }

    @Test func neverMoreInFlightThanTheLimitAllows() async {
        let pacer = Pacer(concurrency: 3, rateLimit: nil)
        let gauge = Gauge()
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<60 {
                group.addTask {
                    let t = await pacer.start()
                    await gauge.enter()
                    try? await Task.sleep(for: .milliseconds(1))
                    await gauge.leave()
                    // Every tenth is throttled: the limit drops under load.
                    await pacer.finish(t, i % 10 == 9 ? .throttled(retryAfter: nil) : .answered(.milliseconds(1)))
                }
            }
        }
        #expect(await gauge.most <= 3)
        #expect(await gauge.most >= 2, "requests did run side by side")
    }

    /// Lower bounds only: a pacer may be late, never early.
    @Test func rateLimitAndRetryAfterHoldTheNextStart() async {
        let pacer = Pacer(concurrency: 4, rateLimit: 50)
        let clock = ContinuousClock()
        let began = clock.now
        for _ in 0..<6 {
            let t = await pacer.start()
            await pacer.finish(t, .answered(.milliseconds(1)))
        }
        // Six starts at 50 a second: the sixth at least 5 × 20 ms after the first.
        #expect(clock.now - began >= .milliseconds(100))
        let t = await pacer.start()
        await pacer.finish(t, .throttled(retryAfter: 0.3))
        let held = clock.now
        let next = await pacer.start()
        #expect(clock.now - held >= .milliseconds(290), "nothing starts before Retry-After has passed")
        await pacer.finish(next, .answered(.milliseconds(1)))
    }
}

actor Gauge {
    var now = 0
    var most = 0
    func enter() {
        now += 1
        most = max(most, now)
    }
    func leave() { now -= 1 }
}
