import DocketCore
import Testing
@testable import DocketTUI

/// Screens' updates driven alone, without a store: a key gives a new state
/// and the effects it asks for, nothing else.
@Suite struct UpdateTests {
    func state(_ screen: AppState.Screen = .orders) -> AppState {
        var s = AppState(width: 100, height: 30)
        s.screen = screen
        return s
    }

    /// The first rows are drawn before the orders are counted (a million
    /// take longer to count than a page takes to read); the count fills the
    /// title in when it comes, unless the view moved on meanwhile.
    @Test func theRowsShowBeforeTheCountAndTheCountFollows() {
        var s = state()
        s.orders.query = OrderQuery(statuses: [.open])
        let row = OrderSummary(externalId: "ORD-1", status: .open, version: 1, importedFrom: nil, orderDate: "2026-11-26", customer: "Ann",
                               email: "", country: "DE", currency: "EUR", total: "1.00", itemCount: 1, lastOutcome: nil, lastTarget: nil,
                               updatedAt: "2026-11-26T09:00:00Z")
        let effects = Reducer.reduce(&s, .window([row], total: nil, atStart: true, atEnd: true, cursorAtEnd: false))
        #expect(effects == [.count(OrderQuery(statuses: [.open]))])
        #expect(s.orders.rows.map(\.externalId) == ["ORD-1"] && s.orders.counting)
        #expect(Render.draw(s).text.contains("counting…"))
        _ = Reducer.reduce(&s, .counted(OrderQuery(statuses: [.closed]), 99))
        #expect(s.orders.counting, "a count for another query is not this view's")
        _ = Reducer.reduce(&s, .counted(OrderQuery(statuses: [.open]), 1_204_377))
        #expect(!s.orders.counting && Render.draw(s).text.contains("1204377 orders"))
        // Home within the counted view reads the first page, counted already.
        s.orders.atStart = false
        #expect(Reducer.reduce(&s, .key(.home)) == [.loadFirst(OrderQuery(statuses: [.open]), knownTotal: 1_204_377)])
    }

    @Test func eOnTheOrdersAsksForTheViewsFailures() {
        var s = state()
        s.orders.query = OrderQuery(statuses: [.open], target: "omnia")
        let effects = Reducer.reduce(&s, .key(.char("e")))
        #expect(effects == [.loadFailures(OrderQuery(statuses: [.open], target: "omnia"))])
        #expect(s.screen == .errors && s.errors.loading)
    }

    @Test func enterOnAGroupOpensExactlyItsOrders() {
        var s = state(.errors)
        let group = RefusalGroup(target: "omnia", code: "x", field: "currency", pattern: "bad …", example: "bad EURO",
                                 orders: ["A", "B"], newest: "2026-11-26T09:00:00Z")
        _ = Reducer.reduce(&s, .failuresLoaded([group]))
        let effects = Reducer.reduce(&s, .key(.enter))
        #expect(effects == [.loadFirst(OrderQuery(target: "omnia", ids: ["A", "B"]))])
        #expect(s.screen == .orders && s.orders.group == "currency: bad …")
    }

    @Test func aReplaceOnTheErrorsViewAsksForAPreviewOfTheMarkedGroups() {
        var s = state(.errors)
        let a = RefusalGroup(target: "omnia", code: "x", field: "items[*].productId", pattern: "p", example: "p", orders: ["A", "B"], newest: "2")
        let b = RefusalGroup(target: "omnia", code: "y", field: "currency", pattern: "c", example: "c", orders: ["B", "C"], newest: "1")
        _ = Reducer.reduce(&s, .failuresLoaded([a, b]))
        _ = Reducer.reduce(&s, .key(.char("m")))
        _ = Reducer.reduce(&s, .key(.char("m")))
        var effects: [Effect] = []
        for k in [Key.char(":")] + "replace items[*].productId \"OLD 1\" NEW".map({ Key.char($0) }) + [.enter] {
            effects = Reducer.reduce(&s, .key(k))
        }
        #expect(effects == [.previewFix(.replace(field: "items[*].productId", old: "OLD 1", new: "NEW"), OrderQuery(ids: ["A", "B", "C"]), target: "omnia")])
    }

    @Test func yOnAPreviewSavesItAndEscChangesNothing() {
        var s = state(.errors)
        let preview = FixPreview(fix: .set(field: "currency", value: "EUR"), changes: [], unchanged: ["A"], readOnly: [])
        _ = Reducer.reduce(&s, .fixPreviewed(preview))
        #expect(s.screen == .fix)
        #expect(Reducer.reduce(&s, .key(.char("y"))).isEmpty, "nothing to save: y is not even a key here")
        var p2 = preview
        p2.changes = [FixPreview.Change(externalId: "B", version: 3, fields: [(path: "currency", old: "EURO", new: "EUR")],
                                        result: .success(Order(externalId: "B")), target: nil, issues: [])]
        _ = Reducer.reduce(&s, .fixPreviewed(p2))
        #expect(Reducer.reduce(&s, .key(.char("y"))) == [.saveFix(p2)])
        _ = Reducer.reduce(&s, .fixPreviewed(p2))
        #expect(Reducer.reduce(&s, .key(.escape)).isEmpty)
        #expect(s.screen == .errors && s.fix == nil)
    }

    /// A batch screen on its request list, whose one request is longer
    /// than a screen.
    func batchWithOneLargeRequest() -> (AppState, RequestRecord) {
        var s = state(.batch)
        let summary = BatchSummary(id: "B1", target: "omnia", dialect: .omnia, createdAt: "t", finishedAt: "t", orderCount: 1, counts: [.accepted: 1])
        let record = RequestRecord(sequence: 2, attempt: 1, method: "PUT", url: "http://x/y", requestBody: Array((#"{"orders":["# + String(repeating: "1,", count: 300) + "1]}").utf8),
                                   status: 200, responseBody: Array(#"{"ok":true}"#.utf8), error: nil, startedAt: "t", milliseconds: 1, orderIds: ["A"])
        _ = Reducer.reduce(&s, .batchLoaded(BatchReport(summary: summary, outcomes: [OrderOutcome(externalId: "A", outcome: .accepted)]), [record]))
        _ = Reducer.reduce(&s, .key(.tab))
        return (s, record)
    }

    @Test func enterOnARequestAsksForItsBodiesAndRJumpsToTheResponse() {
        var (s, record) = batchWithOneLargeRequest()
        #expect(Reducer.reduce(&s, .key(.enter)) == [.loadExchange(batch: "B1", sequence: 2, attempt: 1)])
        _ = Reducer.reduce(&s, .exchangeLoaded(record))
        #expect(s.screen == .pager && s.pager.scroll == 0)
        _ = Reducer.reduce(&s, .key(.char("r")))
        // The response is on screen (at the top, or as near as the end allows).
        func onScreen(_ text: String) -> Bool {
            Render.draw(s).text.split(separator: "\n").dropLast().contains { $0.contains(text) }
        }
        #expect(s.pager.scroll > 0)
        #expect(onScreen("Response: HTTP 200"))
        _ = Reducer.reduce(&s, .key(.char("b")))
        #expect(s.pager.scroll == 0)
        // / finds and moves; n finds the next.
        for k in [Key.char("/")] + "\"ok\"".map({ Key.char($0) }) + [.enter] { _ = Reducer.reduce(&s, .key(k)) }
        #expect(onScreen("\"ok\": true"))
    }

    /// `r` pressed while a large request is still loading is not lost: the
    /// pager goes to the response when it arrives.
    @Test func rPressedWhileTheRequestLoadsJumpsWhenItArrives() {
        var (s, record) = batchWithOneLargeRequest()
        _ = Reducer.reduce(&s, .key(.enter))
        #expect(s.screen == .pager && s.pager.loading)
        _ = Reducer.reduce(&s, .key(.char("r")))
        _ = Reducer.reduce(&s, .exchangeLoaded(record))
        #expect(s.pager.scroll > 0)
        #expect(Render.draw(s).text.split(separator: "\n").dropLast().contains { $0.contains("Response: HTTP 200") })
    }

    @Test func aSendSelectsTheNewBatchOnTheBatchesScreen() {
        var s = state(.batches)
        let old = BatchSummary(id: "B1", target: "omnia", dialect: .omnia, createdAt: "1", finishedAt: "1", orderCount: 1, counts: [:])
        var new = old
        new.id = "B2"
        _ = Reducer.reduce(&s, .batchesLoaded([old]))
        #expect(Reducer.reduce(&s, .key(.enter)) == [.loadBatch("B1")])
        // R, compose, y: the new batch opens.
        let effects = Reducer.reduce(&s, .sent(SendStarted(batch: "B2", leftOut: nil)))
        #expect(effects == [.loadBatch("B2")])
        #expect(s.screen == .batch && s.message == nil)
        #expect(Reducer.reduce(&s, .key(.escape)) == [.loadBatches])
        _ = Reducer.reduce(&s, .batchesLoaded([new, old]))
        #expect(s.visibleBatches[s.batches.cursor].id == "B2", "the cursor is on the batch just sent, not the one opened before")
    }
}
