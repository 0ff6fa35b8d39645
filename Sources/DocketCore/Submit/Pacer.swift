import Foundation

/// How fast a batch is going out right now: what the progress bar shows.
public struct Pace: Sendable, Equatable {
    /// Requests allowed at once now, and the most the target's config allows.
    public var concurrency: Int
    public var maxConcurrency: Int
    /// `rate_limit`, requests per second, when the config sets one.
    public var rateLimit: Double?
    /// 429 answers so far.
    public var throttled: Int

    public init(concurrency: Int, maxConcurrency: Int, rateLimit: Double?, throttled: Int) {
        self.concurrency = concurrency
        self.maxConcurrency = maxConcurrency
        self.rateLimit = rateLimit
        self.throttled = throttled
    }

    /// "4 at once", "2 of 4 at once (12 × 429)", "≤ 5 req/s".
    public var text: String {
        var parts = [concurrency < maxConcurrency ? "\(concurrency) of \(maxConcurrency) at once" : "\(concurrency) at once"]
        if let rateLimit { parts.append("≤ \(Self.number(rateLimit)) req/s") }
        if throttled > 0 { parts.append("\(throttled) × 429") }
        return parts.joined(separator: ", ")
    }

    static func number(_ d: Double) -> String {
        d == d.rounded() ? String(Int(d)) : String(format: "%.2g", d)
    }
}

/// Decides when each request of a batch may start, so the target sets the
/// pace: never more at once than the current concurrency, never faster
/// than the target's `rate_limit`, nothing before a `Retry-After` has
/// passed.
///
/// 429s halve the concurrency (read once a few answers came at the pace,
/// and once per cut: the 429s of requests sent before a cut say nothing
/// about the pace after it), and each round of
/// fast answers adds one back, up to the configured concurrency, as TCP
/// does with its window. Some targets answer 429 to a share of requests
/// whatever the pace; halving for those only halves what gets through. So
/// after a cut the pacer watches the next answers before it moves again:
/// when at half the pace a request gets through hardly more often than
/// before, the 429s do not come from the pace; it goes back to where it
/// was and from then on cuts only when 429s grow well past that share.
public actor Pacer {
    /// What a request's answer says about the pace.
    public enum Answer: Sendable {
        /// An answer (any status but 429), and how long the exchange took.
        case answered(Duration)
        /// 429, with the target's Retry-After in seconds when it gave one.
        case throttled(retryAfter: Double?)
        /// No answer (a timeout, a cut connection): says nothing of the pace.
        case none
    }

    /// A request's permission to go; handed back with its answer.
    public struct Ticket: Sendable {
        let cuts: Int
        let level: Int
    }

    let maxConcurrency: Int
    let interval: Duration?
    let rateLimit: Double?
    private(set) var limit: Int
    private var inFlight = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// When the next request may start under `rate_limit`.
    private var nextStart = ContinuousClock.now
    /// Nothing starts before this (a Retry-After).
    private var notBefore = ContinuousClock.now
    /// How many cuts so far: a request sent before the last one does not cut.
    private var cuts = 0
    /// Changes with the limit; the answers to requests sent at this limit
    /// are counted apart.
    private var level = 0
    private var levelAnswers = 0
    private var levelThrottled = 0
    /// The latest answers at this pace: 429 or not.
    private var recent = RecentAnswers()
    private var fastAnswers = 0
    private var fastest: Duration?
    /// The share of 429s that did not fall when the pace did.
    private var noise = 0.0
    /// Where the last cut came from, until the pace after it is judged.
    private var beforeCut: (limit: Int, share: Double)?
    private var throttled = 0
    /// Answers other than 429 so far: while these grow, a 429 paces the
    /// batch rather than refusing it.
    public private(set) var answered = 0
    /// Answers at one pace before its share of 429s is read.
    static let sample = 8

    public init(concurrency: Int, rateLimit: Double?) {
        maxConcurrency = max(1, concurrency)
        limit = maxConcurrency
        self.rateLimit = rateLimit
        interval = rateLimit.map { .nanoseconds(Int64(1_000_000_000 / $0)) }
    }

    public var pace: Pace { Pace(concurrency: limit, maxConcurrency: maxConcurrency, rateLimit: rateLimit, throttled: throttled) }

    /// Waits until a request may start, and counts it as started.
    public func start() async -> Ticket {
        while inFlight >= limit {
            await withCheckedContinuation { waiting.append($0) }
        }
        inFlight += 1
        let ticket = Ticket(cuts: cuts, level: level)
        // A place is taken; now the clock: the rate's next start and any
        // Retry-After. The rate's start is taken only when going, so two
        // requests woken at once do not both take it.
        while true {
            let now = ContinuousClock.now
            var at = notBefore
            if interval != nil { at = max(at, nextStart) }
            if at <= now {
                if let interval { nextStart = now + interval }
                return ticket
            }
            try? await Task.sleep(until: at, clock: .continuous)
        }
    }

    /// The request is done: frees its place and learns from the answer.
    public func finish(_ ticket: Ticket, _ answer: Answer) {
        inFlight -= 1
        let current = ticket.level == level
        switch answer {
        case .answered(let took):
            answered += 1
            if current {
                levelAnswers += 1
                recent.append(false)
            }
            let quickest = min(fastest ?? took, took)
            fastest = quickest
            // Fast: not much slower than the quickest answer yet, so the
            // target is not queueing what it is sent.
            let fast = took <= max(quickest * 2, quickest + .milliseconds(20))
            if fast && current { fastAnswers += 1 } else if !fast { fastAnswers = 0 }
            if fastAnswers >= limit && limit < maxConcurrency && beforeCut == nil { setLimit(limit + 1) }
        case .throttled(let retryAfter):
            throttled += 1
            if current {
                levelAnswers += 1
                levelThrottled += 1
            }
            if let retryAfter, retryAfter > 0 {
                notBefore = max(notBefore, ContinuousClock.now + .milliseconds(Int64(retryAfter * 1000)))
            }
            if current { recent.append(true) }
            // The share is read only once a few answers came at this pace.
            if ticket.cuts == cuts && beforeCut == nil && recent.count >= Self.sample && recent.share > noise * 1.5 + 0.02 && limit > 1 {
                beforeCut = (limit, recent.share)
                cuts += 1
                setLimit(max(1, limit / 2))
            }
        case .none:
            break
        }
        judgeCut()
        var room = limit - inFlight
        while room > 0, !waiting.isEmpty {
            // Each woken request counts itself in when it runs.
            waiting.removeFirst().resume()
            room -= 1
        }
    }

    /// Once enough answers came at the pace after a cut: when a request
    /// gets through hardly more often than before it (a target that limits
    /// a rate lets through twice as many of half as many requests), the
    /// cut only halved what gets through; undo it, and learn that share of
    /// 429s as the target's own.
    private func judgeCut() {
        guard let before = beforeCut, levelAnswers >= max(16, 4 * limit) else { return }
        beforeCut = nil
        let after = Double(levelThrottled) / Double(levelAnswers)
        if after > 0 && 1 - after < 1.15 * (1 - before.share) {
            noise = max(noise, after)
            setLimit(before.limit)
        }
    }

    private func setLimit(_ n: Int) {
        limit = n
        level += 1
        levelAnswers = 0
        levelThrottled = 0
        recent = RecentAnswers()
        fastAnswers = 0
    }
}

/// The last 32 answers at one pace, whether each was a 429.
struct RecentAnswers {
    private var bits: UInt32 = 0
    private(set) var count = 0

    mutating func append(_ throttled: Bool) {
        bits = bits << 1 | (throttled ? 1 : 0)
        count = min(32, count + 1)
    }

    var share: Double { count == 0 ? 0 : Double(bits.nonzeroBitCount) / Double(count) }
}
