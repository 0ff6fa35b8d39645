import DocketCore

/// What happens: keys from the terminal, and results of effects.
public enum Action: Sendable {
    case key(Key)
    /// A fresh window (the first page, or the last one after `G`); `total`
    /// nil: not counted yet (a `.count` follows).
    case window([OrderSummary], total: Int?, atStart: Bool, atEnd: Bool, cursorAtEnd: Bool)
    case more([OrderSummary], atEnd: Bool)
    /// The rows shown, read again from the first of them (the count follows).
    case refreshed([OrderSummary], total: Int?, atEnd: Bool)
    /// How many orders a query selects, counted after its rows were shown.
    case counted(OrderQuery, Int)
    case earlier([OrderSummary], atStart: Bool)
    case orderLoaded(StoredOrder?, LatestOutcome?, asked: String)
    /// The store took the edit; the table's row for the order as it now is.
    case saved(StoredOrder, OrderSummary?)
    /// The store refused the edit; the order as it now stands, if it still does.
    case saveRefused(String, current: StoredOrder?)
    case batchesLoaded([BatchSummary])
    case batchLoaded(BatchReport?, [RequestRecord], BatchPosition? = nil)
    /// What a running batch recorded since the last look.
    case batchChanged(BatchChanges?)
    case exchangeLoaded(RequestRecord?)
    case failuresLoaded([RefusalGroup])
    case historyLoaded(String, [OrderChange])
    case fixPreviewed(FixPreview)
    case fixSaved(FixResult)
    case planned(ComposePlan)
    case requestShown(Int, String)
    case sent(SendStarted)
    /// Something started in the background, in words for the status bar.
    case started(String)
    /// Time passed with no key: screens that follow other processes reload.
    case tick
    case failed(String)
    /// An effect asked for before a newer one of its kind made it moot; it
    /// was not run.
    case dropped
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
    /// Counts a query's orders, after its first rows are on screen.
    case count(OrderQuery)
    case loadOrder(String)
    case save(Order, expectedVersion: Int)
    case loadBatches
    case loadBatch(String)
    /// A running batch's outcomes and requests recorded since `position`.
    case refreshBatch(String, since: BatchPosition)
    case loadExchange(batch: String, sequence: Int, attempt: Int)
    /// The failures of a view, grouped by cause.
    case loadFailures(OrderQuery)
    /// Who changed an order, when, and what.
    case loadHistory(String)
    /// Works a bulk fix out on a selection; `target` checks it against that
    /// target's rules (else each order's last target).
    case previewFix(BulkFix, OrderQuery, target: String?)
    case saveFix(FixPreview)
    case plan(target: String, query: OrderQuery)
    case showRequest(Int, ComposePlan)
    case send(ComposePlan)
    case reconcile(BatchSummary)
}
