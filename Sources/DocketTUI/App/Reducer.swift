import DocketCore

/// The console's logic: (state, action) → (state, effects). No terminal and
/// no store in here, so every screen's behaviour is a unit test. Keys go to
/// the current screen's key table; results of effects come back here.
public enum Reducer {
    /// Rows kept around the visible part before paging more in.
    static let window = 600

    public static func start(_ state: inout AppState) -> [Effect] {
        state.orders.loading = true
        return [.loadFirst(state.orders.query)]
    }

    /// The key table in force: a prompt's, a field being edited, else the
    /// screen's.
    public static func table(for s: AppState) -> KeyTable {
        if s.prompt != nil { return promptKeys }
        switch s.screen {
        case .orders: return OrdersKeys.table
        case .order: return s.orderView?.input != nil ? OrderKeys.editing : s.orderView?.reviewing == true ? OrderKeys.review : OrderKeys.table
        case .batches: return BatchesKeys.table
        case .batch: return BatchKeys.table
        case .pager: return PagerKeys.table
        case .compose: return ComposeKeys.table
        case .errors: return ErrorsKeys.table
        case .fix: return FixKeys.table
        }
    }

    /// Every table, for the README and the test that keys and help agree.
    public static let allTables: [KeyTable] = [OrdersKeys.table, OrderKeys.table, OrderKeys.editing, OrderKeys.review, ErrorsKeys.table, FixKeys.table,
                                               ComposeKeys.table, BatchesKeys.table, BatchKeys.table, PagerKeys.table, promptKeys]

    /// Keys every screen has: help, the command line, quitting from anywhere.
    static func common(find: String) -> [KeyBinding] {
        [
            KeyBinding([.char("/")], "/", find, bar: find.split(separator: " ").first.map(String.init)) { s, _ in
                openPrompt(&s, .search)
                return []
            },
            KeyBinding([.char(":")], ":", "command line (:help lists the commands)") { s, _ in
                openPrompt(&s, .command)
                return []
            },
            KeyBinding([.char("?")], "?", "these keys", bar: "help") { s, _ in
                s.showHelp = true
                return []
            },
            KeyBinding([.ctrlC], "Ctrl-C", "quit, from anywhere (asks first if something would be lost)") { s, _ in interrupt(&s) },
        ]
    }

    public static func reduce(_ s: inout AppState, _ action: Action) -> [Effect] {
        let effects = apply(&s, action)
        clampOrderRows(&s)
        return effects
    }

    static func apply(_ s: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .key(let key): return handle(&s, key)
        case .window(let rows, let total, let atStart, let atEnd, let cursorAtEnd):
            s.orders.previousQuery = nil
            s.orders.rows = rows
            s.orders.atStart = atStart
            s.orders.atEnd = atEnd
            s.orders.loading = false
            s.orders.cursor = cursorAtEnd ? max(0, rows.count - 1) : 0
            s.orders.top = cursorAtEnd ? max(0, rows.count - s.tableRows) : 0
            return counted(&s, total)
        case .more(let rows, let atEnd):
            s.orders.rows += rows
            s.orders.atEnd = atEnd
            s.orders.loading = false
            trim(&s, keepEnd: true)
        case .refreshed(let rows, let total, let atEnd):
            // Keep the cursor on the same order where it still is.
            let selected = s.orders.selected?.externalId
            s.orders.rows = rows
            s.orders.atEnd = atEnd
            s.orders.loading = false
            s.orders.cursor = selected.flatMap { id in rows.firstIndex { $0.externalId == id } } ?? min(s.orders.cursor, max(0, rows.count - 1))
            clampTop(&s)
            return counted(&s, total)
        case .counted(let q, let n):
            // A count for a query no longer shown is dropped.
            if q == s.orders.query {
                s.orders.total = n
                s.orders.counting = false
            }
        case .earlier(let rows, let atStart):
            s.orders.rows.insert(contentsOf: rows, at: 0)
            s.orders.cursor += rows.count
            s.orders.top += rows.count
            s.orders.atStart = atStart
            s.orders.loading = false
            trim(&s, keepEnd: false)
        case .orderLoaded(let order, let latest, let asked): orderLoaded(&s, order, latest, asked: asked)
        case .saved(let order, let row): orderSaved(&s, order, row)
        case .saveRefused(let message, let current): saveRefused(&s, message, current: current)
        case .batchesLoaded(let list): BatchesKeys.loaded(&s, list)
        case .batchLoaded(let report, let requests, let position):
            s.batch = report
            s.batchRequests = requests
            s.batchPosition = position
            if report == nil { s.message = "That batch is not in the store."; s.screen = .batches }
            s.batchList.move(by: 0, count: batchRowCount(s), visible: BatchView.rows(in: s.body))
        case .batchChanged(let changes): BatchKeys.changed(&s, changes)
        case .exchangeLoaded(let record):
            guard s.screen == .pager else { return [] }
            guard let record else {
                s.message = "That request is no longer in the store."
                s.screen = s.pager.returnTo
                return []
            }
            let pending = s.pager.pendingJump
            s.pager = PagerKeys.exchange(record, returnTo: s.pager.returnTo).wrapped(width: s.width)
            if let pending, s.pager.places[pending] != nil { PagerKeys.jump(&s, to: pending) }
        case .failuresLoaded(let groups): ErrorsKeys.loaded(&s, groups)
        case .historyLoaded(let id, let changes):
            guard s.screen == .order else { return [] }
            var lines: [(String, Role)] = changes.isEmpty ? [("No changes since \(id) was first imported.", .dim)] : []
            for c in changes.reversed() {
                let text = HistoryText.lines(c)
                lines.append((text[0], .header))
                lines += text.dropFirst().map { ($0, .fieldChanged) }
            }
            openPager(&s, PagerState(title: "\(id): who changed it, newest first", lines: lines, returnTo: .order))
        case .fixPreviewed(let preview): FixKeys.previewed(&s, preview)
        case .fixSaved(let result): return FixKeys.saved(&s, result)
        case .planned(let plan):
            // A plan for a target or screen since left is not this one.
            guard s.screen == .compose, s.targets.indices.contains(s.targetCursor), s.targets[s.targetCursor].name == plan.target else { return [] }
            s.plan = plan
            s.composeError = nil
            s.planScroll = 0
            s.shownRequest = plan.firstRequest.isEmpty ? nil : (0, plan.firstRequest.components(separatedBy: "\n"))
        case .requestShown(let index, let json):
            s.shownRequest = (index, json.components(separatedBy: "\n"))
            // Straight to the request: the plan's summary is above it.
            s.planScroll = ComposeView.summary(s).count - 1
        case .sent(let started):
            guard let batch = started.batch else {
                s.message = (started.leftOut ?? "Nothing was sent.").replacingOccurrences(of: "\n", with: " ")
                return []
            }
            s.selectBatch = batch
            s.message = started.leftOut.map { $0.replacingOccurrences(of: "\n", with: " ") }
            return openBatch(&s, batch)
        case .started(let message):
            s.message = message
            return []
        case .tick: return tick(&s)
        case .dropped: return []
        case .failed(let message):
            s.orders.loading = false
            s.errors.loading = false
            s.pager.loading = false
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

    /// Screens that follow other processes read the store again.
    /// The count, if it came with the rows; else it is asked for now, after
    /// the rows are drawn.
    static func counted(_ s: inout AppState, _ total: Int?) -> [Effect] {
        guard let total else {
            s.orders.counting = true
            return [.count(s.orders.query)]
        }
        s.orders.total = total
        s.orders.counting = false
        return []
    }

    static func tick(_ s: inout AppState) -> [Effect] {
        guard s.prompt == nil else { return [] }
        switch s.screen {
        case .orders:
            guard !s.orders.loading else { return [] }
            s.orders.loading = true
            let from = s.orders.atStart ? nil : s.orders.rows.first?.cursor(s.orders.query.sort)
            return [.refresh(s.orders.query, from: from, limit: max(s.orders.rows.count, EffectRunner.defaultPageSize))]
        case .batches: return [.loadBatches]
        case .batch:
            if let id = s.batch?.summary.id, s.batch?.summary.finishedAt == nil {
                return [s.batchPosition.map { .refreshBatch(id, since: $0) } ?? .loadBatch(id)]
            }
        case .errors:
            if case .view(let q) = s.errors.source, !s.errors.loading {
                s.errors.loading = true
                return [.loadFailures(q)]
            }
        default: break
        }
        return []
    }

    static func batchRowCount(_ s: AppState) -> Int {
        s.batchTab == .outcomes ? s.visibleOutcomes.count : s.batchRequests.count
    }

    static func handle(_ s: inout AppState, _ key: Key) -> [Effect] {
        if case .resize(let w, let h) = key {
            s.width = w
            s.height = h
            clampTop(&s)
            return []
        }
        s.message = nil
        if key == .ctrlC { return interrupt(&s) }
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
            // Any key closes help.
            s.showHelp = false
            return []
        }
        return table(for: s).dispatch(&s, key) ?? []
    }

    /// Rows come and go with the edit, a save and the rules' findings: the
    /// cursor stays on one.
    static func clampOrderRows(_ s: inout AppState) {
        // Only where the order is shown: its rows are worked out per call,
        // and other screens' keys must not pay for them.
        guard s.screen == .order, var view = s.orderView else { return }
        let count = view.rows.count
        if view.list.cursor >= count || view.list.top > view.list.cursor {
            view.list.move(by: 0, count: count, visible: orderRowsVisible(s))
            s.orderView = view
        }
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

    static func clampTop(_ s: inout AppState) {
        let page = s.tableRows
        if s.orders.cursor < s.orders.top { s.orders.top = s.orders.cursor }
        if s.orders.cursor >= s.orders.top + page { s.orders.top = s.orders.cursor - page + 1 }
        s.orders.top = max(0, min(s.orders.top, max(0, s.orders.rows.count - 1)))
    }
}
