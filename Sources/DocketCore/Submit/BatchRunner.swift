import Foundation

/// Where a batch's journal is kept (the store). Written in this order: the
/// batch, its orders and their claims before anything is sent; each
/// order's "about to be sent" before it goes; each answer together with
/// what it settled; the batch's end, which lets its claims go.
public protocol BatchJournal: Sendable {
    /// Creates the batch with the orders it may send, in one transaction:
    /// those no other unfinished batch to `target` holds, still at the
    /// version given and, when `recheck` is given, still matching it (so a
    /// selection read before another process sent or edited its orders
    /// sends none of them twice). Nothing is created when nothing is
    /// claimed.
    func createBatch(id: String, target: String, dialect: Dialect, orders: [(externalId: String, version: Int)],
                     owner: BatchOwner, recheck: OrderQuery?) throws -> BatchClaim
    /// The owner of an unfinished batch says it is still at work. The
    /// store stamps the time with its own clock (a shared server's, not the
    /// owner's), and `owner(of:)` gives it back on the reader's clock, so
    /// machines whose clocks differ judge a heartbeat's age alike.
    func heartbeat(batch: String, owner: BatchOwner) throws
    /// Makes `owner` the owner of an unfinished batch, refused while the
    /// one before is alive unless `force`. Returns the one before.
    func takeOver(batch: String, owner: BatchOwner, force: Bool) throws -> BatchOwner?
    /// Who is sending a batch (nil once it finished, or for one from
    /// before owners were kept).
    func owner(of batch: String) throws -> BatchOwner?
    /// Ends the batch and lets its claims go; with `owner`, only while that
    /// owner holds it.
    func finishBatch(_ id: String, owner: BatchOwner?) throws
    /// Orders of a batch still without an outcome, with how often they went
    /// out and the version claimed (nil for batches from before versions).
    func pendingOrders(batch: String) throws -> [(externalId: String, attempts: Int, version: Int?)]
    /// Several entries in one transaction, in order. With `owner`, only
    /// while that owner still holds the batch: a process that went unheard
    /// long enough to be taken over (a laptop asleep, a paused machine) must
    /// neither send (a refused `.sending` keeps its request from going) nor
    /// write over what the new owner records.
    func record(batch: String, target: String, _ entries: [JournalEntry], owner: BatchOwner?) throws
}

extension BatchJournal {
    public func record(batch: String, target: String, _ entries: [JournalEntry]) throws {
        try record(batch: batch, target: target, entries, owner: nil)
    }

    public func finishBatch(_ id: String) throws { try finishBatch(id, owner: nil) }

    /// The owners of these batches, for saying who holds a claim.
    public func owners(_ batches: some Sequence<String>) throws -> [String: BatchOwner?] {
        var result: [String: BatchOwner?] = [:]
        for b in Set(batches) { result[b] = try owner(of: b) }
        return result
    }
}

/// One thing the journal keeps about a running batch.
public enum JournalEntry: Sendable {
    case sending([String])
    case response(RequestRecord, settled: [OrderOutcome])
    case outcomes([OrderOutcome])
}

/// How far a batch has got: what a progress bar shows.
public struct BatchProgress: Sendable, Equatable {
    public var total: Int
    public var settled: Int
    public var requests: Int
    public var counts: [Outcome: Int]
    public var elapsed: Double
    /// How fast it may go right now: concurrency, rate limit, 429s.
    public var pace: Pace?

    public var ordersPerSecond: Double { elapsed > 0 ? Double(settled) / elapsed : 0 }
    public var secondsLeft: Double? {
        let rate = ordersPerSecond
        return rate > 0 ? Double(total - settled) / rate : nil
    }
}

/// Runs a submission as a journaled batch, so that a batch stopped at any
/// moment (even by kill -9) can be finished by `resume` without sending
/// anything twice.
public enum BatchRunner {
    /// A new batch's id: its time, to sort by, and a random tail, so two
    /// processes starting in the same second do not collide.
    public static func newBatchId() -> String {
        let stamp = Date().ISO8601Format().replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
        return "B\(stamp.prefix(15))-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }

    /// Creates batch `id` for the orders it can claim of `orders` (each at
    /// the version read, `versions[i]` for `orders[i]`), and returns the
    /// claim with those orders (the rest are left out, and the claim says
    /// why).
    public static func claim(journal: any BatchJournal, id: String, target: TargetConfig, orders: [Order], versions: [Int],
                             owner: BatchOwner, recheck: OrderQuery?) throws -> (BatchClaim, [Order]) {
        let claim = try journal.createBatch(id: id, target: target.name, dialect: target.dialect,
                                            orders: zip(orders, versions).map { ($0.externalId, $1) },
                                            owner: owner, recheck: recheck)
        // Usually every order is claimed: the same array, not a copy.
        guard claim.claimed.count < orders.count else { return (claim, orders) }
        let claimed = Set(claim.claimed)
        return (claim, orders.filter { claimed.contains($0.externalId) })
    }

    /// Sends `orders` as batch `id`, which `claim` created or `resume` took
    /// over for `owner`, beating for it while it sends, and reports progress
    /// as it goes. Journal failures stop nothing already sent but are
    /// returned, so the caller can say the record is incomplete.
    public static func run(engine: SubmissionEngine, journal: any BatchJournal, id: String, orders: [Order], owner: BatchOwner,
                           progress: @escaping @Sendable (BatchProgress) -> Void = { _ in }) async throws -> [String] {
        var pages = [orders][...]
        return try await run(engine: engine, journal: journal, id: id, total: orders.count, pages: { pages.popFirst() },
                             owner: owner, progress: progress)
    }

    /// A claimed batch read from the store a page at a time: what a page
    /// leaves out (changed or gone since the claim) is recorded with it.
    public static func run(engine: SubmissionEngine, journal: any BatchJournal, id: String, total: Int,
                           pages: StoredOrderPages, owner: BatchOwner,
                           progress: @escaping @Sendable (BatchProgress) -> Void = { _ in }) async throws -> [String] {
        try await run(engine: engine, journal: journal, id: id, total: total, pages: { try await pages.next() },
                      leftOut: pages.takeLeftOut, owner: owner, progress: progress)
    }

    /// Sends the `total` orders `pages` reads a page at a time (nil at the
    /// end), as `run` does, holding only the requests in flight. A page
    /// that cannot be read ends the batch after what is out was answered;
    /// its orders stay claimed for `resume`, and the error is thrown.
    ///
    /// `leftOut` gives, after each page, the orders the page left out
    /// (changed or gone since the claim): recorded with their outcome, as
    /// if settled.
    public static func run(engine: SubmissionEngine, journal: any BatchJournal, id: String, total: Int,
                           pages: () async throws -> [Order]?, leftOut: () -> [OrderOutcome] = { [] }, owner: BatchOwner,
                           progress: @escaping @Sendable (BatchProgress) -> Void = { _ in }) async throws -> [String] {
        let target = engine.target.name
        let beating = Task.detached {
            var owner = owner
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(BatchOwner.heartbeatInterval))
                guard !Task.isCancelled else { return }
                owner.heartbeat = Date().timeIntervalSince1970
                try? journal.heartbeat(batch: id, owner: owner)
            }
        }
        defer { beating.cancel() }
        let tracker = ProgressTracker(total: total)
        // Only create-only targets need to know what may have gone out: an
        // upsert is simply sent again.
        let createOnly = !engine.target.dialect.updatesOrders
        let writer = JournalWriter(journal: journal, batch: id, target: target, owner: owner)
        func page() async throws -> [Order]? {
            // Taken over meanwhile: the rest is the new owner's to send.
            let holder = try journal.owner(of: id)
            if let lost = owner.lost(id, to: holder) {
                await tracker.fail(lost.message)
                return nil
            }
            let page = try await pages()
            let out = leftOut()
            if !out.isEmpty {
                try await writer.post(.outcomes(out))
                progress(await tracker.add(out, request: false, pace: await engine.pacer.pace))
            }
            return page
        }
        /// An answer or outcomes, posted off the request path: the next
        /// request need not wait for their commit. Were the process to die
        /// first, their orders read as pending and go again, as for an
        /// answer lost on the wire. What the store refuses is reported.
        @Sendable func post(_ entry: JournalEntry, _ settled: [OrderOutcome], request: Bool) async {
            do {
                try await writer.post(entry)
                progress(await tracker.add(settled, request: request, pace: await engine.pacer.pace))
            } catch {
                await tracker.fail("\(error)")
            }
        }
        try await engine.run(pages: page) { event in
            switch event {
            case .sending(_, _, let ids):
                // Awaited: it must be in the store before the orders go (it
                // commits after any answer posted before it). If it cannot
                // be, this throws and the engine does not send them.
                if createOnly { try await writer.write(.sending(ids)) }
            case .response(let record, let settled): await post(.response(record, settled: settled), settled, request: true)
            case .outcomes(let settled): await post(.outcomes(settled), settled, request: false)
            }
        }
        for failure in await writer.flush() { await tracker.fail(failure) }
        try journal.finishBatch(id, owner: owner)
        return await tracker.failures
    }
}

/// Writes journal entries on a thread of its own (SQLite calls block, and
/// requests in flight need Swift's few concurrency threads), committing
/// whatever has queued up meanwhile in one transaction. Each writer waits
/// until its own entry is committed, so nothing is sent on the strength of
/// an entry that is not yet in the store.
final class JournalWriter: @unchecked Sendable {
    let journal: any BatchJournal
    let batch: String
    let target: String
    let owner: BatchOwner
    let queue = DispatchQueue(label: "docket.journal")
    private let lock = NSLock()
    private var waiting: [(JournalEntry, CheckedContinuation<Void, any Error>?)] = []
    private var draining = false
    /// Posted entries whose commit failed, and who waits for all to commit.
    private var postFailures: [String] = []
    private var flushing: [CheckedContinuation<[String], Never>] = []
    /// Posted entries not yet committed: past this, posting waits, so a
    /// slow disk holds back the sending instead of filling memory.
    static let postLimit = 64

    init(journal: any BatchJournal, batch: String, target: String, owner: BatchOwner) {
        self.journal = journal
        self.batch = batch
        self.target = target
        self.owner = owner
    }

    func write(_ entry: JournalEntry) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            enqueue(entry, c)
        }
    }

    /// Queues an entry without waiting for its commit (unless too many
    /// wait already); a failure is reported by `flush`.
    func post(_ entry: JournalEntry) async throws {
        let full = lock.withLock { waiting.count >= Self.postLimit }
        if full { return try await write(entry) }
        enqueue(entry, nil)
    }

    /// Waits until every entry queued so far is committed; returns the
    /// failures of posted ones.
    func flush() async -> [String] {
        await withCheckedContinuation { (c: CheckedContinuation<[String], Never>) in
            lock.lock()
            if !draining {
                let failures = postFailures
                postFailures = []
                lock.unlock()
                c.resume(returning: failures)
            } else {
                flushing.append(c)
                lock.unlock()
            }
        }
    }

    private func enqueue(_ entry: JournalEntry, _ c: CheckedContinuation<Void, any Error>?) {
        lock.lock()
        waiting.append((entry, c))
        let start = !draining
        draining = true
        lock.unlock()
        if start { queue.async { self.drain() } }
    }

    private func drain() {
        while true {
            lock.lock()
            let group = waiting
            waiting = []
            var flushed: [CheckedContinuation<[String], Never>] = []
            var failures: [String] = []
            if group.isEmpty {
                draining = false
                flushed = flushing
                flushing = []
                failures = postFailures
                postFailures = []
            }
            lock.unlock()
            if group.isEmpty {
                for c in flushed { c.resume(returning: failures) }
                return
            }
            do {
                try journal.record(batch: batch, target: target, group.map(\.0), owner: owner)
                for (_, c) in group { c?.resume() }
            } catch {
                // One entry's failure undoes the whole transaction: each
                // goes again alone, so that an answer is not lost for the
                // fault of another entry that shared its commit.
                for (entry, c) in group {
                    do {
                        guard group.count > 1 else { throw error }
                        try journal.record(batch: batch, target: target, [entry], owner: owner)
                        c?.resume()
                    } catch {
                        if c == nil { lock.withLock { postFailures.append("\(error)") } }
                        c?.resume(throwing: error)
                    }
                }
            }
        }
    }
}

actor ProgressTracker {
    var state: BatchProgress
    let start = ContinuousClock.now
    var failures: [String] = []

    init(total: Int) { state = BatchProgress(total: total, settled: 0, requests: 0, counts: [:], elapsed: 0) }

    func add(_ outcomes: [OrderOutcome], request: Bool, pace: Pace) -> BatchProgress {
        state.pace = pace
        state.settled += outcomes.count
        if request { state.requests += 1 }
        for o in outcomes { state.counts[o.outcome, default: 0] += 1 }
        state.elapsed = Double((ContinuousClock.now - start) / .milliseconds(1)) / 1000
        return state
    }

    func fail(_ message: String) {
        if failures.count < 10 { failures.append(message) }
    }
}
