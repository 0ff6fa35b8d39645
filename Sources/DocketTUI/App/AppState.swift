import DocketCore

/// Everything the console shows, as a value: the reducer changes it, the
/// screens draw it. (The model of bubbletea's model/update/view.)
public struct AppState: Sendable {
    public enum Screen: Sendable, Equatable, CaseIterable { case orders, order, batches, batch, pager, compose, errors, fix }

    public var width: Int
    public var height: Int
    public var screen: Screen = .orders
    public var orders = OrdersState()
    /// The order screen's order and the edit in progress on it.
    public var orderView: OrderView?
    /// The `/` or `:` line being typed.
    public var prompt: Prompt?
    /// What was last typed at each prompt: the next one offers it.
    public var lastSearch: [Screen: String] = [:]
    public var lastCommand: String?
    public var batches = ListState<BatchSummary>()
    /// `/` on the Batches screen: only batches whose id or target has this.
    public var batchesFilter: String?
    /// The batch the Batches cursor goes to when the list next loads (one
    /// just sent).
    public var selectBatch: String?
    /// `/` on a Batch screen: only outcomes whose id, outcome, field or
    /// message has this (`/rejected` lists the refused ones, `/failed`
    /// every failure).
    public var batchFilter: String?
    public var batch: BatchReport? {
        didSet { if batch?.summary.id != oldValue?.summary.id || batch?.outcomes.count != oldValue?.outcomes.count { indexBatch() } }
    }
    /// Where the batch shown was read up to: a running batch is watched by
    /// reading on from here, not loaded whole again.
    public var batchPosition: BatchPosition?
    /// Each outcome's place in `batch.outcomes`, by external id.
    var batchIndex: [String: Int] = [:]
    public var batchRequests: [RequestRecord] = []
    public var batchTab: BatchTab = .outcomes
    public var batchList = ListState<Int>()
    public var pager = PagerState()
    public var errors = ErrorsState()
    public var fix: FixPreview?
    public var fixScroll = 0
    /// The screen the fix preview returns to.
    public var fixReturn: Screen = .orders
    /// The order screen was opened from a batch (Esc goes back there).
    public var cameFromBatch = false
    /// The order screen was opened by `:open ID`, not from a list: a
    /// missing order never existed rather than went away.
    public var openedByCommand = false
    public var targets: [TargetChoice] = []
    public var targetCursor = 0
    public var plan: ComposePlan?
    /// Why Compose has no plan to show (the selection is too large, the
    /// target's config is wrong).
    public var composeError: String?
    public var planScroll = 0
    /// The request Compose shows: its index and its JSON's lines, split
    /// once (a request may hold thousands of orders).
    public var shownRequest: (index: Int, lines: [String])?
    /// Set by the runner before each key: batches still being sent here.
    public var sending = 0
    /// How fast each batch this process sends goes now (the Batch screen's
    /// progress line says it).
    public var paces: [String: Pace] = [:]
    /// `q` was pressed while sending; a second `q` quits.
    public var confirmQuit = false
    /// Compose was opened for one batch's failures ("retry what failed"):
    /// these orders, to this target.
    public var retryIds: [String]?
    /// `R` again on Compose: refused orders nobody changed go too.
    public var retryIncludeUnchanged = false
    /// `s` on Compose asked "Send N orders to T?": the next key answers
    /// (`y` sends, any other does not). The console drops keys typed
    /// before the question was drawn, so none of them answers it.
    public var confirmSend = false
    public var showHelp = false
    public var quit = false
    public var message: String?
    /// The store may only be read here: every screen's title says so.
    public var readOnly = false

    public init(width: Int, height: Int, query: OrderQuery = OrderQuery()) {
        self.width = width
        self.height = height
        orders.query = query
    }

    /// Where screens draw: everything above the status bar.
    public var body: Rect { Rect(x: 0, y: 0, width: width, height: height - 1) }
    /// Rows of the orders table that fit: the body less title and header.
    public var tableRows: Int { OrdersView.rows(in: body) }
    public var tooSmall: Bool { width < 40 || height < 8 }

    public var searchInput: String? { prompt?.kind == .search ? prompt?.text : nil }
    public var commandInput: String? { prompt?.kind == .command ? prompt?.text : nil }

    mutating func indexBatch() {
        batchIndex = [:]
        guard let outcomes = batch?.outcomes else { return }
        batchIndex.reserveCapacity(outcomes.count)
        for (i, o) in outcomes.enumerated() { batchIndex[o.externalId] = i }
    }

    public var visibleBatches: [BatchSummary] {
        guard let f = batchesFilter?.lowercased(), !f.isEmpty else { return batches.items }
        return batches.items.filter { $0.id.lowercased().contains(f) || $0.target.lowercased().contains(f) }
    }

    public var visibleOutcomes: [OrderOutcome] {
        let all = batch?.outcomes ?? []
        guard let f = batchFilter?.lowercased(), !f.isEmpty else { return all }
        if f == "failed" { return all.filter { RefusalGrouping.failed.contains($0.outcome) } }
        return all.filter { o in
            o.externalId.lowercased().contains(f) || o.outcome.rawValue == f
                || o.errors.contains { ($0.field ?? "").lowercased().contains(f) || $0.message.lowercased().contains(f) }
        }
    }
}

/// The orders table: a window of loaded rows over the whole store, paged by
/// key so that a million orders scroll without being loaded.
public struct OrdersState: Sendable {
    public var query = OrderQuery()
    public var rows: [OrderSummary] = []
    /// Index in `rows` of the selected row and of the first row shown.
    public var cursor = 0
    public var top = 0
    public var total = 0
    /// The rows are shown while the count is still out (a million orders
    /// take longer to count than one page takes to read); `total` is then
    /// the last count, or 0.
    public var counting = false
    /// Whether `rows` reaches the first / last order of the query.
    public var atStart = true
    public var atEnd = true
    public var loading = false
    /// The query the rows were read by, while a new one is loading: a
    /// search that fails goes back to it, so the header never claims a
    /// search the rows do not follow.
    public var previousQuery: OrderQuery?
    /// Orders picked with `m` for the next batch, by external id.
    public var marked: Set<String> = []
    /// The view is one refusal group of the Errors view: its words.
    public var group: String?

    public var selected: OrderSummary? { rows.indices.contains(cursor) ? rows[cursor] : nil }
}

public enum BatchTab: Sendable, Equatable { case outcomes, requests }

/// A cursor over a list that is all in memory (batches, a batch's rows).
public struct ListState<Element: Sendable>: Sendable {
    public var items: [Element] = []
    public var cursor = 0
    public var top = 0

    public init() {}

    init(items: [Element]) {
        self.init()
        self.items = items
    }

    public mutating func move(by delta: Int, count: Int, visible: Int) {
        guard count > 0 else { cursor = 0; top = 0; return }
        cursor = min(max(0, cursor + delta), count - 1)
        if cursor < top { top = cursor }
        if cursor >= top + visible { top = cursor - visible + 1 }
        top = max(0, min(top, cursor))
    }

    /// The step a list key moves by, for a list showing `page` rows.
    static func step(_ key: Key, page: Int) -> Int? {
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
}
