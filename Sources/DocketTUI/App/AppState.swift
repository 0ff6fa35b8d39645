import DocketCore

/// Everything the console shows, as a value: the reducer changes it, the
/// screens draw it. (The model of bubbletea's model/update/view.)
public struct AppState: Sendable {
    public enum Screen: Sendable, Equatable { case orders, order, batches, batch, exchange, compose }

    public var width: Int
    public var height: Int
    public var screen: Screen = .orders
    public var orders = OrdersState()
    /// The order screen's order and the edit in progress on it.
    public var orderView: OrderView?
    /// Text typed after `/`, while searching.
    public var searchInput: String?
    /// Text typed after `:`, while giving a command.
    public var commandInput: String?
    public var batches = ListState<BatchSummary>()
    /// `/` on the Batches screen: only batches whose id or target has this.
    public var batchesFilter: String?
    /// `/` on a Batch screen: only outcomes whose id, outcome, field or
    /// message has this (`/rejected` lists the refused ones).
    public var batchFilter: String?
    public var batch: BatchReport?
    public var batchRequests: [RequestRecord] = []
    public var batchTab: BatchTab = .outcomes
    public var batchList = ListState<Int>()
    public var exchangeScroll = 0
    /// The open request and its response as lines, pretty-printed once
    /// (a body may hold thousands of orders).
    public var exchangeLines: [(String, Role)] = []
    /// The order screen was opened from a batch (Esc goes back there).
    public var cameFromBatch = false
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

    public init(width: Int, height: Int, query: OrderQuery = OrderQuery()) {
        self.width = width
        self.height = height
        orders.query = query
    }

    /// Rows of the table that fit: the screen less title, header and status bar.
    public var tableRows: Int { max(1, height - 3) }
    public var tooSmall: Bool { width < 40 || height < 8 }

    public var visibleBatches: [BatchSummary] {
        guard let f = batchesFilter?.lowercased(), !f.isEmpty else { return batches.items }
        return batches.items.filter { $0.id.lowercased().contains(f) || $0.target.lowercased().contains(f) }
    }

    public var visibleOutcomes: [OrderOutcome] {
        let all = batch?.outcomes ?? []
        guard let f = batchFilter?.lowercased(), !f.isEmpty else { return all }
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

    public var selected: OrderSummary? { rows.indices.contains(cursor) ? rows[cursor] : nil }
}

public enum BatchTab: Sendable, Equatable { case outcomes, requests }

/// A cursor over a list that is all in memory (batches, a batch's rows).
public struct ListState<Element: Sendable>: Sendable {
    public var items: [Element] = []
    public var cursor = 0
    public var top = 0

    public init() {}

    public mutating func move(by delta: Int, count: Int, visible: Int) {
        guard count > 0 else { cursor = 0; top = 0; return }
        cursor = min(max(0, cursor + delta), count - 1)
        if cursor < top { top = cursor }
        if cursor >= top + visible { top = cursor - visible + 1 }
    }
}

/// What happens: keys from the terminal, and results of effects.
public enum Action: Sendable {
    case key(Key)
    /// A fresh window (the first page, or the last one after `G`).
    case window([OrderSummary], total: Int, atStart: Bool, atEnd: Bool, cursorAtEnd: Bool)
    case more([OrderSummary], atEnd: Bool)
    /// The rows shown, read again from the first of them, and the count.
    case refreshed([OrderSummary], total: Int, atEnd: Bool)
    case earlier([OrderSummary], atStart: Bool)
    case orderLoaded(StoredOrder?, LatestOutcome?)
    /// The store took the edit; the table's row for the order as it now is.
    case saved(StoredOrder, OrderSummary?)
    /// The store refused the edit; the order as it now stands, if it still does.
    case saveRefused(String, current: StoredOrder?)
    case batchesLoaded([BatchSummary])
    case batchLoaded(BatchReport?, [RequestRecord])
    case exchangeLoaded(RequestRecord?)
    case planned(ComposePlan)
    case requestShown(Int, String)
    case sent(SendStarted)
    /// Something started in the background, in words for the status bar.
    case started(String)
    /// Time passed with no key: screens that follow other processes reload.
    case tick
    case failed(String)
}

/// Work the reducer asks for; the runner does it and answers with an action.
public enum Effect: Sendable, Equatable {
    /// `knownTotal`: the count is known already (a jump within the same
    /// query), so a million orders are not counted again.
    case loadFirst(OrderQuery, knownTotal: Int? = nil)
    case loadLast(OrderQuery, knownTotal: Int? = nil)
    case loadAfter(OrderQuery, PageCursor)
    case loadBefore(OrderQuery, PageCursor)
    case refresh(OrderQuery, from: PageCursor?, limit: Int)
    case loadOrder(String)
    case save(Order, expectedVersion: Int)
    case loadBatches
    case loadBatch(String)
    case loadExchange(batch: String, sequence: Int, attempt: Int)
    case plan(target: String, query: OrderQuery)
    case showRequest(Int, ComposePlan)
    case send(ComposePlan)
    case reconcile(BatchSummary)
}
