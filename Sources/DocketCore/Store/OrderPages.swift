import Foundation

/// Reading a large selection without holding it: the keys of what it
/// matches, and the orders of a list of ids a page at a time.
extension OrderStoring {
    /// Each matching order's external id and version, in external id order,
    /// read a page of summaries at a time (no order is decoded). A store
    /// that can select the two columns alone does better.
    public func forEachKey(_ query: OrderQuery, _ body: (_ externalId: String, _ version: Int) throws -> Void) throws {
        var q = query
        q.sort = .externalId
        q.descending = false
        var cursor: PageCursor?
        while true {
            let rows = try page(q, after: cursor, limit: 5000)
            for r in rows { try body(r.externalId, r.version) }
            guard rows.count == 5000, let last = rows.last else { return }
            cursor = last.cursor(.externalId)
        }
    }

    /// These orders as stored now, in the order of `ids` (ids no longer in
    /// the store are left out).
    public func orders(ids: some Collection<String>) throws -> [StoredOrder] {
        var found: [String: StoredOrder] = [:]
        found.reserveCapacity(ids.count)
        var chunk: [String] = []
        func flush() throws {
            guard !chunk.isEmpty else { return }
            try forEachOrder(OrderQuery(ids: chunk)) { found[$0.order.externalId] = $0 }
            chunk.removeAll(keepingCapacity: true)
        }
        for id in ids {
            chunk.append(id)
            if chunk.count == 500 { try flush() }
        }
        try flush()
        return ids.compactMap { found[$0] }
    }
}

/// The orders of a list of ids, read from the store a page at a time: what
/// a batch sends from, so it holds a page, not the batch. The next page is
/// read ahead on a thread of its own (SQLite calls block, and requests in
/// flight need Swift's few concurrency threads) while this one goes out.
///
/// An order edited or deleted after the batch claimed it is not sent: its
/// outcome would be recorded against the version claimed while another
/// went out, so it would read as "changed since accepted" and go again.
/// It ends `skipped`, saying why, and is sent by the next batch.
public final class StoredOrderPages: @unchecked Sendable {
    let store: any OrderStoring
    let ids: [String]
    /// The version each id was claimed at, when known (nil: not checked).
    let versions: [Int?]?
    let size: Int
    private let queue = DispatchQueue(label: "docket.pages")
    private let lock = NSLock()
    /// Guarded by `lock`: where the next read starts, the page read ahead
    /// (or its error), and who waits for it.
    private var at = 0
    private var ahead: Result<[Order]?, any Error>?
    private var reading = false
    private var waiter: CheckedContinuation<Result<[Order]?, any Error>, Never>?
    /// Guarded by `lock`: orders found changed or gone, not yet taken.
    private var leftOut: [OrderOutcome] = []

    public init(store: any OrderStoring, ids: [String], versions: [Int?]? = nil, size: Int = 1000) {
        precondition(versions == nil || versions?.count == ids.count, "a version for each id")
        self.store = store
        self.ids = ids
        self.versions = versions
        self.size = size
    }

    /// The orders left out of the pages read so far, once each.
    public func takeLeftOut() -> [OrderOutcome] {
        lock.lock()
        defer { lock.unlock() }
        let taken = leftOut
        leftOut = []
        return taken
    }

    /// The page's orders still as claimed; the others go to `leftOut`.
    private func read(_ range: Range<Int>) throws -> [Order] {
        let found = try store.orders(ids: ids[range])
        if found.count == range.count && versions == nil { return found.map(\.order) }
        var byId: [String: StoredOrder] = [:]
        byId.reserveCapacity(found.count)
        for o in found { byId[o.order.externalId] = o }
        var page: [Order] = []
        page.reserveCapacity(found.count)
        var out: [OrderOutcome] = []
        for i in range {
            guard let stored = byId[ids[i]] else {
                out.append(OrderOutcome(externalId: ids[i], outcome: .skipped, errors: [OrderIssue(
                    code: "gone", message: "no longer in the store when its turn came; not sent")]))
                continue
            }
            if let claimed = versions?[i], claimed != stored.version {
                out.append(OrderOutcome(externalId: ids[i], outcome: .skipped, errors: [OrderIssue(
                    code: "changed", message: "changed after this batch took it (version \(claimed), now \(stored.version)); "
                        + "not sent, so that no outcome is recorded for a version that did not go: send it again")]))
                continue
            }
            page.append(stored.order)
        }
        if !out.isEmpty {
            lock.lock()
            leftOut += out
            lock.unlock()
        }
        return page
    }

    /// The next page, nil after the last.
    public func next() async throws -> [Order]? {
        let result: Result<[Order]?, any Error> = await withCheckedContinuation { c in
            lock.lock()
            if let ready = ahead {
                ahead = nil
                lock.unlock()
                c.resume(returning: ready)
            } else {
                waiter = c
                lock.unlock()
            }
            readAhead()
        }
        return try result.get()
    }

    /// Starts reading the next page unless one is being read or waits.
    private func readAhead() {
        lock.lock()
        guard !reading, ahead == nil || waiter != nil else { lock.unlock(); return }
        reading = true
        let start = at
        let end = min(at + size, ids.count)
        at = end
        lock.unlock()
        queue.async { [self] in
            let result: Result<[Order]?, any Error> = start >= ids.count ? .success(nil)
                : Result { try read(start..<end) }
            lock.lock()
            reading = false
            if let w = waiter {
                waiter = nil
                lock.unlock()
                w.resume(returning: result)
                readAhead()
            } else {
                ahead = result
                lock.unlock()
            }
        }
    }
}
