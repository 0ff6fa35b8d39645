import DocketCore

/// The console's logic: (state, action) → (state, effects). No terminal and
/// no store in here, so every screen's behaviour is a unit test.
public enum Reducer {
    /// Rows kept around the visible part before paging more in.
    static let window = 600

    public static func start(_ state: inout AppState) -> [Effect] {
        state.orders.loading = true
        return [.loadFirst(state.orders.query)]
    }

    public static func reduce(_ s: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .key(let key): return handle(&s, key)
        case .window(let rows, let total, let atStart, let atEnd, let cursorAtEnd):
            s.orders.previousQuery = nil
            s.orders.rows = rows
            s.orders.total = total
            s.orders.atStart = atStart
            s.orders.atEnd = atEnd
            s.orders.loading = false
            s.orders.cursor = cursorAtEnd ? max(0, rows.count - 1) : 0
            s.orders.top = cursorAtEnd ? max(0, rows.count - s.tableRows) : 0
        case .more(let rows, let atEnd):
            s.orders.rows += rows
            s.orders.atEnd = atEnd
            s.orders.loading = false
            trim(&s, keepEnd: true)
        case .refreshed(let rows, let total, let atEnd):
            // Keep the cursor on the same order where it still is.
            let selected = s.orders.selected?.externalId
            s.orders.rows = rows
            s.orders.total = total
            s.orders.atEnd = atEnd
            s.orders.loading = false
            s.orders.cursor = selected.flatMap { id in rows.firstIndex { $0.externalId == id } } ?? min(s.orders.cursor, max(0, rows.count - 1))
            clampTop(&s)
        case .earlier(let rows, let atStart):
            s.orders.rows.insert(contentsOf: rows, at: 0)
            s.orders.cursor += rows.count
            s.orders.top += rows.count
            s.orders.atStart = atStart
            s.orders.loading = false
            trim(&s, keepEnd: false)
        case .orderLoaded(let order, let latest): orderLoaded(&s, order, latest)
        case .saved(let order, let row): orderSaved(&s, order, row)
        case .saveRefused(let message, let current): saveRefused(&s, message, current: current)
        case .batchesLoaded(let list):
            let before = s.visibleBatches
            let selected = before.indices.contains(s.batches.cursor) ? before[s.batches.cursor].id : nil
            s.batches.items = list
            // Keep the same batch selected while others are added above it.
            let after = s.visibleBatches
            if let selected, let i = after.firstIndex(where: { $0.id == selected }) { s.batches.cursor = i }
            s.batches.move(by: 0, count: after.count, visible: s.tableRows)
        case .batchLoaded(let report, let requests):
            s.batch = report
            s.batchRequests = requests
            if report == nil { s.message = "That batch is not in the store."; s.screen = .batches }
            s.batchList.move(by: 0, count: batchRowCount(s), visible: s.tableRows - 1)
        case .exchangeLoaded(let record):
            guard let record else {
                s.message = "That request is no longer in the store."
                s.screen = .batch
                return []
            }
            s.exchangeLines = ExchangeScreen.lines(for: record)
        case .planned(let plan):
            s.plan = plan
            s.composeError = nil
            s.planScroll = 0
            s.shownRequest = plan.firstRequest.isEmpty ? nil : (0, plan.firstRequest.components(separatedBy: "\n"))
        case .requestShown(let index, let json):
            s.shownRequest = (index, json.components(separatedBy: "\n"))
            // Straight to the request: the plan's summary is above it.
            s.planScroll = ComposeScreen.summary(s).count - 1
        case .sent(let started):
            guard let batch = started.batch else {
                s.message = (started.leftOut ?? "Nothing was sent.").replacingOccurrences(of: "\n", with: " ")
                return []
            }
            s.screen = .batch
            s.batch = nil
            s.batchFilter = nil
            s.batchRequests = []
            s.batchTab = .outcomes
            s.batchList = ListState()
            s.message = "Sending batch \(batch); it fills in as answers arrive."
                + (started.leftOut.map { " " + $0.replacingOccurrences(of: "\n", with: " ") } ?? "")
            return [.loadBatch(batch)]
        case .started(let message):
            s.message = message
            return []
        case .tick:
            switch s.screen {
            case .orders:
                // Other docket processes import and send: the rows shown and
                // the count follow, read again from the first row loaded.
                guard !s.orders.loading, s.searchInput == nil, s.commandInput == nil else { return [] }
                s.orders.loading = true
                let from = s.orders.atStart ? nil : s.orders.rows.first?.cursor(s.orders.query.sort)
                return [.refresh(s.orders.query, from: from, limit: max(s.orders.rows.count, EffectRunner.defaultPageSize))]
            case .batches: return [.loadBatches]
            case .batch:
                if let id = s.batch?.summary.id, s.batch?.summary.finishedAt == nil { return [.loadBatch(id)] }
            default: break
            }
        case .failed(let message):
            s.orders.loading = false
            if let previous = s.orders.previousQuery {
                s.orders.query = previous
                s.orders.previousQuery = nil
                s.message = "That search could not run (\(message)); the list is still the one before it."
                return []
            }
            if s.screen == .compose && s.plan == nil { s.composeError = message } else { s.message = message }
        }
        return []
    }

    static func batchRowCount(_ s: AppState) -> Int {
        s.batchTab == .outcomes ? s.visibleOutcomes.count : s.batchRequests.count
    }

    /// Ctrl-C quits from anywhere, even while typing; unsaved edits count
    /// as something to lose, as a batch being sent does.
    static func interrupt(_ s: inout AppState) -> [Effect] {
        let unsaved = s.orderView.map { !$0.edit.isEmpty || $0.input != nil } ?? false
        quit(&s, unless: unsaved ? "An order has changes not saved" : nil, again: "Ctrl-C")
        return []
    }

    static func requestQuit(_ s: inout AppState) { quit(&s, unless: nil, again: "q") }

    /// Quits, unless something would be lost: then it says what and asks for
    /// the key again. A batch sent from here would be left half sent
    /// (resume finishes it, but the user should choose that knowingly).
    static func quit(_ s: inout AppState, unless loss: String?, again key: String) {
        let loss = loss ?? (s.sending > 0 ? "A batch is still being sent" : nil)
        guard let loss, !s.confirmQuit else { s.quit = true; return }
        s.confirmQuit = true
        s.message = "\(loss). Press \(key) again to quit anyway" + (s.sending > 0 ? " (docket resume finishes the batch later)." : ".")
    }

    /// Keeps the window bounded: drops rows far from the cursor.
    static func trim(_ s: inout AppState, keepEnd: Bool) {
        let excess = s.orders.rows.count - window
        guard excess > 0 else { return }
        if keepEnd {
            let drop = min(excess, max(0, s.orders.top - s.tableRows))
            s.orders.rows.removeFirst(drop)
            s.orders.cursor -= drop
            s.orders.top -= drop
            if drop > 0 { s.orders.atStart = false }
        } else {
            let keep = max(s.orders.top + 2 * s.tableRows, s.orders.rows.count - excess)
            if keep < s.orders.rows.count {
                s.orders.rows.removeLast(s.orders.rows.count - keep)
                s.orders.atEnd = false
            }
        }
    }

    static func handle(_ s: inout AppState, _ key: Key) -> [Effect] {
        if case .resize(let w, let h) = key {
            s.width = w
            s.height = h
            clampTop(&s)
            return []
        }
        s.message = nil
        if key == .char("\u{3}") { return interrupt(&s) }
        if s.confirmSend {
            // The question's answer: y sends exactly the plan shown.
            s.confirmSend = false
            guard key == .char("y") || key == .char("Y"), s.screen == .compose, let plan = s.plan else {
                s.message = "Not sent."
                return []
            }
            return [.send(plan)]
        }
        if key != .char("q") { s.confirmQuit = false }
        if s.showHelp {
            // Any key closes help; q still quits.
            s.showHelp = false
            if key == .char("q") && s.screen == .orders { s.quit = true }
            return []
        }
        if s.searchInput != nil { return search(&s, key) }
        if s.commandInput != nil { return command(&s, key) }
        if s.screen == .order, s.orderView?.input != nil { return orderKey(&s, key) }
        switch key {
        case .char("?"): s.showHelp = true; return []
        case .char(":"): s.commandInput = ""; return []
        case .char("/"): s.searchInput = currentSearch(s); return []
        default: break
        }
        switch s.screen {
        case .orders: return ordersKey(&s, key)
        case .order: return orderKey(&s, key)
        case .batches: return batchesKey(&s, key)
        case .batch: return batchKey(&s, key)
        case .exchange: return exchangeKey(&s, key)
        case .compose: return composeKey(&s, key)
        }
    }

    static func ordersKey(_ s: inout AppState, _ key: Key) -> [Effect] {
        let page = s.tableRows
        switch key {
        case .char("q"): requestQuit(&s)
        case .escape:
            if s.orders.query.isFiltered {
                s.orders.query = s.orders.query.unfiltered
                s.orders.loading = true
                s.message = "Showing every order."
                return [.loadFirst(s.orders.query)]
            }
            if !s.orders.marked.isEmpty {
                s.orders.marked = []
                s.message = "No order is marked now."
            }
        case .char("s"), .char("S"):
            // s: the next column to sort by; S: the other way round.
            if key == .char("s") {
                let all = OrderSort.allCases
                s.orders.query.sort = all[((all.firstIndex(of: s.orders.query.sort) ?? 0) + 1) % all.count]
            } else {
                s.orders.query.descending.toggle()
            }
            s.message = "Sorted by \(s.orders.query.sort.rawValue)\(s.orders.query.descending ? ", largest or newest first" : "")."
            s.orders.loading = true
            return [.loadFirst(s.orders.query)]
        case .char("m"):
            guard let row = s.orders.selected else { return [] }
            if s.orders.marked.remove(row.externalId) == nil { s.orders.marked.insert(row.externalId) }
            return move(&s, by: 1)
        case .down, .char("j"): return move(&s, by: 1)
        case .up, .char("k"): return move(&s, by: -1)
        case .pageDown, .char(" "): return move(&s, by: page)
        case .pageUp: return move(&s, by: -page)
        case .home, .char("g"):
            if s.orders.atStart { s.orders.cursor = 0; s.orders.top = 0 } else {
                s.orders.loading = true
                return [.loadFirst(s.orders.query, knownTotal: s.orders.total)]
            }
        case .end, .char("G"):
            if s.orders.atEnd { s.orders.cursor = max(0, s.orders.rows.count - 1); clampTop(&s) } else {
                s.orders.loading = true
                return [.loadLast(s.orders.query, knownTotal: s.orders.total)]
            }
        case .enter:
            if let row = s.orders.selected { return openOrder(&s, row.externalId, fromBatch: false) }
        case .char("b"):
            s.screen = .batches
            return [.loadBatches]
        case .char("c"):
            guard !s.targets.isEmpty else {
                s.message = "No targets configured: add [targets.NAME] to the config (docket sandbox --print-config shows one)."
                return []
            }
            s.retryIds = nil
            s.retryIncludeUnchanged = false
            s.targetCursor = composeTarget(s)
            return openCompose(&s)
        default: break
        }
        return []
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
        if q.target == target.name && q.outcomes.contains(Outcome.rejected.rawValue) {
            q.skipUnchangedRefusals = !s.retryIncludeUnchanged
        }
        return q
    }

    static func composeKey(_ s: inout AppState, _ key: Key) -> [Effect] {
        switch key {
        case .escape, .char("q"): s.screen = .orders
        case .left, .char("h"), .right, .char("l"), .tab:
            guard !s.targets.isEmpty else { return [] }
            let step = (key == .left || key == .char("h")) ? -1 : 1
            s.targetCursor = (s.targetCursor + step + s.targets.count) % s.targets.count
            return openCompose(&s)
        case .char("]"), .char("["), .char("n"), .char("p"):
            guard let plan = s.plan, !plan.requestSizes.isEmpty else { return [] }
            let current = s.shownRequest?.index ?? 0
            let step = (key == .char("]") || key == .char("n")) ? 1 : -1
            let next = min(max(0, current + step), plan.requestSizes.count - 1)
            guard next != current else {
                s.message = step > 0 ? "That is the last request." : "That is the first request."
                return []
            }
            return [.showRequest(next, plan)]
        case .down, .char("j"): s.planScroll = min(s.planScroll + 1, ComposeScreen.maxScroll(s))
        case .up, .char("k"): s.planScroll = max(0, s.planScroll - 1)
        case .pageDown, .char(" "): s.planScroll = min(s.planScroll + s.height - 4, ComposeScreen.maxScroll(s))
        case .pageUp: s.planScroll = max(0, s.planScroll - (s.height - 4))
        case .home, .char("g"): s.planScroll = 0
        case .end, .char("G"): s.planScroll = ComposeScreen.maxScroll(s)
        case .char("s"):
            guard let plan = s.plan, plan.sendable > 0 else {
                s.message = "Nothing to send: no order of this selection passes the target's checks."
                return []
            }
            s.confirmSend = true
        case .char("R"):
            guard let plan = s.plan, plan.unchangedRefused > 0, !s.retryIncludeUnchanged else { return [] }
            s.retryIncludeUnchanged = true
            return openCompose(&s)
        default: break
        }
        return []
    }

    static func listMove(_ key: Key, page: Int) -> Int? {
        switch key {
        case .down, .char("j"): 1
        case .up, .char("k"): -1
        case .pageDown, .char(" "): page
        case .pageUp: -page
        case .home, .char("g"): Int.min / 2
        case .end, .char("G"): Int.max / 2
        default: nil
        }
    }

    static func batchesKey(_ s: inout AppState, _ key: Key) -> [Effect] {
        if let delta = listMove(key, page: s.tableRows) {
            s.batches.move(by: delta, count: s.visibleBatches.count, visible: s.tableRows)
            return []
        }
        switch key {
        case .escape, .char("q"), .char("o"): s.screen = .orders
        case .enter:
            let list = s.visibleBatches
            guard list.indices.contains(s.batches.cursor) else { return [] }
            s.screen = .batch
            s.batchFilter = nil
            s.batch = nil
            s.batchRequests = []
            s.batchTab = .outcomes
            s.batchList = ListState()
            return [.loadBatch(list[s.batches.cursor].id)]
        default: break
        }
        return []
    }

    static func batchKey(_ s: inout AppState, _ key: Key) -> [Effect] {
        if let delta = listMove(key, page: s.tableRows - 1) {
            s.batchList.move(by: delta, count: batchRowCount(s), visible: s.tableRows - 1)
            return []
        }
        switch key {
        case .escape, .char("q"):
            s.screen = .batches
            return [.loadBatches]
        case .tab, .char("r"):
            s.batchTab = s.batchTab == .outcomes ? .requests : .outcomes
            s.batchList = ListState()
        case .char("R"):
            // Retry what failed: the rejected, not_saved and unknown orders, to the same target.
            guard let report = s.batch else { return [] }
            let failed = report.outcomes.filter { [.rejected, .notSaved, .unknown].contains($0.outcome) }.map(\.externalId)
            guard !failed.isEmpty else {
                s.message = "Nothing to retry: no order of this batch was rejected, not saved or unknown."
                return []
            }
            guard let index = s.targets.firstIndex(where: { $0.name == report.summary.target }) else {
                s.message = "The target \(report.summary.target) is not in the config any more."
                return []
            }
            s.targetCursor = index
            s.retryIds = failed
            s.retryIncludeUnchanged = false
            return openCompose(&s)
        case .char("L"):
            // Look the unknown orders up at the target, where its API can say.
            guard let report = s.batch else { return [] }
            let unknown = report.outcomes.filter { $0.outcome == .unknown }.count
            guard unknown > 0 else {
                s.message = "Nothing to look up: no order of this batch is unknown."
                return []
            }
            guard report.summary.finishedAt != nil else {
                s.message = "The batch is still being sent; look its unknown orders up once it has finished."
                return []
            }
            guard Reconciler.canLookUp(report.summary.dialect) else {
                s.message = "\(report.summary.dialect.displayName) takes orders by upsert: R sends the \(Plural.orders(unknown)) again, which settles them."
                return []
            }
            return [.reconcile(report.summary)]
        case .enter:
            if s.batchTab == .requests, s.batchRequests.indices.contains(s.batchList.cursor), let batch = s.batch?.summary.id {
                let r = s.batchRequests[s.batchList.cursor]
                s.screen = .exchange
                s.exchangeScroll = 0
                s.exchangeLines = []
                return [.loadExchange(batch: batch, sequence: r.sequence, attempt: r.attempt)]
            } else if s.batchTab == .outcomes, case let outcomes = s.visibleOutcomes, outcomes.indices.contains(s.batchList.cursor) {
                return openOrder(&s, outcomes[s.batchList.cursor].externalId, fromBatch: true)
            }
        default: break
        }
        return []
    }

    static func exchangeKey(_ s: inout AppState, _ key: Key) -> [Effect] {
        switch key {
        case .escape, .char("q"), .left: s.screen = .batch
        case .down, .char("j"): s.exchangeScroll += 1
        case .up, .char("k"): s.exchangeScroll = max(0, s.exchangeScroll - 1)
        case .pageDown, .char(" "): s.exchangeScroll += s.height - 3
        case .pageUp: s.exchangeScroll = max(0, s.exchangeScroll - (s.height - 3))
        case .home, .char("g"): s.exchangeScroll = 0
        case .end, .char("G"): s.exchangeScroll = Int.max / 2
        default: break
        }
        return []
    }

    static func move(_ s: inout AppState, by delta: Int) -> [Effect] {
        guard !s.orders.rows.isEmpty else { return [] }
        s.orders.cursor = min(max(0, s.orders.cursor + delta), s.orders.rows.count - 1)
        clampTop(&s)
        var effects: [Effect] = []
        let page = s.tableRows
        if !s.orders.loading && !s.orders.atEnd && s.orders.cursor >= s.orders.rows.count - page * 2, let last = s.orders.rows.last {
            s.orders.loading = true
            effects.append(.loadAfter(s.orders.query, last.cursor(s.orders.query.sort)))
        } else if !s.orders.loading && !s.orders.atStart && s.orders.cursor < page * 2, let first = s.orders.rows.first {
            s.orders.loading = true
            effects.append(.loadBefore(s.orders.query, first.cursor(s.orders.query.sort)))
        }
        return effects
    }

    static func clampTop(_ s: inout AppState) {
        let page = s.tableRows
        if s.orders.cursor < s.orders.top { s.orders.top = s.orders.cursor }
        if s.orders.cursor >= s.orders.top + page { s.orders.top = s.orders.cursor - page + 1 }
        s.orders.top = max(0, min(s.orders.top, max(0, s.orders.rows.count - 1)))
    }
}
