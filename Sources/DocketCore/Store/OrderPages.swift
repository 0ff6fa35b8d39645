/// Reading a large selection without holding it: the keys of what it
/// matches, and the orders of a list of ids a page at a time.
extension OrderStoring {
    /// Each matching order's external id and version, in external id order,
    /// read a page of summaries at a time (no order is decoded).
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
/// a batch sends from, so it holds a page, not the batch.
public struct StoredOrderPages {
    let store: any OrderStoring
    let ids: [String]
    let size: Int
    var at = 0

    public init(store: any OrderStoring, ids: [String], size: Int = 1000) {
        self.store = store
        self.ids = ids
        self.size = size
    }

    public mutating func next() throws -> [Order]? {
        guard at < ids.count else { return nil }
        let end = min(at + size, ids.count)
        let page = try store.orders(ids: ids[at..<end]).map(\.order)
        at = end
        return page
    }
}
