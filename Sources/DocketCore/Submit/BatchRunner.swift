import Foundation

/// Where a batch's journal is kept (the store). Written in this order: the
/// batch and its orders before anything is sent; each order's "about to be
/// sent" before it goes; each answer together with what it settled.
public protocol BatchJournal: Sendable {
    func createBatch(id: String, target: String, dialect: Dialect, externalIds: [String]) throws
    func finishBatch(_ id: String) throws
    func pendingOrders(batch: String) throws -> [(externalId: String, attempts: Int)]
    /// Several entries in one transaction, in order.
    func record(batch: String, target: String, _ entries: [JournalEntry]) throws
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
    /// Sends `orders` as batch `id` (created here unless `resuming`), and
    /// reports progress as it goes. Journal failures stop nothing already
    /// sent but are returned, so the caller can say the record is incomplete.
    public static func run(engine: SubmissionEngine, journal: any BatchJournal, id: String, orders: [Order], resuming: Bool = false,
                           progress: @escaping @Sendable (BatchProgress) -> Void = { _ in }) async throws -> [String] {
        let target = engine.target.name
        if !resuming {
            try journal.createBatch(id: id, target: target, dialect: engine.target.dialect, externalIds: orders.map(\.externalId))
        }
        let tracker = ProgressTracker(total: orders.count)
        // Only create-only targets need to know what may have gone out: an
        // upsert is simply sent again.
        let createOnly = engine.target.dialect == .centra || engine.target.dialect == .dropday
        let writer = JournalWriter(journal: journal, batch: id, target: target)
        _ = await engine.run(orders) { event in
            do {
                switch event {
                case .sending(_, _, let ids):
                    if createOnly { try await writer.write(.sending(ids)) }
                case .response(let record, let settled):
                    try await writer.write(.response(record, settled: settled))
                    progress(await tracker.add(settled, request: true))
                case .outcomes(let settled):
                    try await writer.write(.outcomes(settled))
                    progress(await tracker.add(settled, request: false))
                }
            } catch {
                await tracker.fail("\(error)")
            }
        }
        try journal.finishBatch(id)
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
    let queue = DispatchQueue(label: "docket.journal")
    private let lock = NSLock()
    private var waiting: [(JournalEntry, CheckedContinuation<Void, any Error>)] = []
    private var draining = false

    init(journal: any BatchJournal, batch: String, target: String) {
        self.journal = journal
        self.batch = batch
        self.target = target
    }

    func write(_ entry: JournalEntry) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            lock.lock()
            waiting.append((entry, c))
            let start = !draining
            draining = true
            lock.unlock()
            if start { queue.async { self.drain() } }
        }
    }

    private func drain() {
        while true {
            lock.lock()
            let group = waiting
            waiting = []
            if group.isEmpty { draining = false }
            lock.unlock()
            if group.isEmpty { return }
            do {
                try journal.record(batch: batch, target: target, group.map(\.0))
                for (_, c) in group { c.resume() }
            } catch {
                for (_, c) in group { c.resume(throwing: error) }
            }
        }
    }
}

actor ProgressTracker {
    var state: BatchProgress
    let start = ContinuousClock.now
    var failures: [String] = []

    init(total: Int) { state = BatchProgress(total: total, settled: 0, requests: 0, counts: [:], elapsed: 0) }

    func add(_ outcomes: [OrderOutcome], request: Bool) -> BatchProgress {
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
