import DocketCore

/// Going from one screen to another: the one place that sets up the screen
/// being opened, so no screen reaches into another's code.
extension Reducer {
    static func openOrder(_ s: inout AppState, _ id: String, fromBatch: Bool, byCommand: Bool = false) -> [Effect] {
        s.screen = .order
        s.cameFromBatch = fromBatch
        s.openedByCommand = byCommand
        s.orderView = nil
        return [.loadOrder(id)]
    }

    /// Back from the order screen: to the batch it was opened from, else
    /// the orders table.
    static func leaveOrder(_ s: inout AppState) {
        s.screen = s.cameFromBatch && s.batch != nil ? .batch : .orders
    }

    static func openBatch(_ s: inout AppState, _ id: String) -> [Effect] {
        s.screen = .batch
        s.batchFilter = nil
        s.batch = nil
        s.batchRequests = []
        s.batchTab = .outcomes
        s.batchList = ListState()
        return [.loadBatch(id)]
    }

    static func openBatches(_ s: inout AppState) -> [Effect] {
        s.screen = .batches
        return [.loadBatches]
    }

    /// Long lines are wrapped to the screen, so nothing is cut.
    static func openPager(_ s: inout AppState, _ pager: PagerState) {
        s.pager = pager.wrapped(width: s.width)
        s.screen = .pager
    }

    /// The Errors view of the orders table's view.
    static func openErrors(_ s: inout AppState, view query: OrderQuery) -> [Effect] {
        s.errors = ErrorsState()
        s.errors.source = .view(query)
        s.errors.loading = true
        s.errors.returnTo = .orders
        s.screen = .errors
        return [.loadFailures(query)]
    }

    /// The Errors view of one batch's failures, from what the Batch screen
    /// holds.
    static func openErrors(_ s: inout AppState, batch report: BatchReport) {
        s.errors = ErrorsState()
        s.errors.source = .batch(report.summary.id)
        s.errors.returnTo = .batch
        let at = report.summary.finishedAt ?? report.summary.createdAt
        s.errors.groups = RefusalGrouping.group(report.outcomes.map {
            LatestOutcome(batch: report.summary.id, target: report.summary.target, at: at, outcome: $0)
        })
        s.screen = .errors
    }

    /// One refusal group as an Orders view: exactly its orders, with their
    /// outcome at its target.
    static func openGroup(_ s: inout AppState, _ group: RefusalGroup) -> [Effect] {
        var q = OrderQuery(target: group.target, ids: group.orders)
        q.sort = s.orders.query.sort
        q.descending = s.orders.query.descending
        s.orders.query = q
        s.orders.marked = []
        s.orders.group = "\(group.field.isEmpty ? group.code : group.field): \(group.pattern)"
        s.orders.loading = true
        s.screen = .orders
        return [.loadFirst(q)]
    }

    /// Compose for the current target: plans the selection, or says why
    /// there is none.
    static func openCompose(_ s: inout AppState) -> [Effect] {
        s.screen = .compose
        s.plan = nil
        s.composeError = nil
        s.confirmSend = false
        guard let query = composeQuery(s) else {
            s.composeError = "Only OPEN orders can be sent, and this view shows \(s.orders.query.statuses.map(\.rawValue).joined(separator: ", ")) orders. :status OPEN shows the ones that can go."
            return []
        }
        return [.plan(target: s.targets[s.targetCursor].name, query: query)]
    }

    /// Compose from the orders table: its view (or its marks), to the
    /// target it is most likely meant for.
    static func composeFromOrders(_ s: inout AppState, target: Int? = nil) -> [Effect] {
        guard !s.targets.isEmpty else {
            s.message = "No targets configured: add [targets.NAME] to the config (docket sandbox --print-config shows one)."
            return []
        }
        s.retryIds = nil
        s.retryIncludeUnchanged = false
        s.targetCursor = target ?? composeTarget(s)
        return openCompose(&s)
    }

    /// The target Compose opens on: the view's target, else the one that
    /// last refused most of the orders shown, else the one chosen before.
    static func composeTarget(_ s: AppState) -> Int {
        let names = s.targets.map(\.name)
        if let t = s.orders.query.target, let i = names.firstIndex(of: t) { return i }
        var refusals: [String: Int] = [:]
        for row in s.orders.rows where row.lastOutcome == Outcome.rejected.rawValue {
            if let t = row.lastTarget { refusals[t, default: 0] += 1 }
        }
        if let top = refusals.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }),
           let i = names.firstIndex(of: top.key) { return i }
        return min(s.targetCursor, max(0, s.targets.count - 1))
    }

    /// What a batch composed here takes: exactly the view's orders (every
    /// filter, and the marks when there are any) that are OPEN and not yet
    /// taken by the target; for "retry what failed", the batch's failures
    /// that changed since refused (all of them after `R` again). Nil when
    /// the view shows no OPEN orders at all.
    static func composeQuery(_ s: AppState) -> OrderQuery? {
        guard s.targets.indices.contains(s.targetCursor) else { return nil }
        let target = s.targets[s.targetCursor]
        if let ids = s.retryIds {
            var q = OrderQuery(statuses: [.open], target: target.name, ids: ids)
            q.skipUnchangedRefusals = !s.retryIncludeUnchanged
            q.skipHeld = true
            return q
        }
        var q = s.orders.query
        if q.statuses.isEmpty {
            q.statuses = [.open]
        } else {
            q.statuses = q.statuses.filter { $0 == .open }
            if q.statuses.isEmpty { return nil }
        }
        if !s.orders.marked.isEmpty { q.ids = s.orders.marked.sorted() }
        q.notTakenBy = target.name
        q.notTakenByUpdates = target.dialect.updatesOrders
        if q.target == target.name && (q.outcomes.contains(Outcome.rejected.rawValue) || s.orders.group != nil) {
            q.skipUnchangedRefusals = !s.retryIncludeUnchanged
        }
        return q
    }

    /// Changes the orders table's query and shows it from the start.
    static func filter(_ s: inout AppState, _ change: (inout OrderQuery) -> Void) -> [Effect] {
        change(&s.orders.query)
        s.orders.group = nil
        s.screen = .orders
        s.orders.loading = true
        return [.loadFirst(s.orders.query)]
    }
}
