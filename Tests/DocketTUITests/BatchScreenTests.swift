import DocketCore
import DocketStore
import Foundation
import Testing
@testable import DocketTUI

@Suite struct BatchScreenTests {
    func storeWithBatch() throws -> SQLiteOrderStore {
        let s = try store(3)
        try s.createBatch(id: "B1", target: "cropster", dialect: .cropster, externalIds: ["ORD-0000000", "ORD-0000001", "ORD-0000002"])
        let record = RequestRecord(sequence: 1, attempt: 1, method: "POST", url: "http://127.0.0.1:1/cropster/mrp.order.setOrders",
                                   requestBody: Array(#"{"data":[{"externalId":"ORD-0000000"}]}"#.utf8), status: 422,
                                   responseBody: Array(#"{"ok":false,"error":{"code":"bulk_operation_failed"}}"#.utf8),
                                   error: nil, startedAt: "2026-11-24T10:00:00Z", milliseconds: 12, orderIds: ["ORD-0000000"])
        try s.recordResponse(batch: "B1", target: "cropster", record, settled: [
            OrderOutcome(externalId: "ORD-0000000", outcome: .rejected,
                         errors: [OrderIssue(code: "order_not_open", message: "Order is CLOSED", field: "items[0].quantity")]),
            OrderOutcome(externalId: "ORD-0000001", outcome: .accepted, remoteIds: ["r-1"]),
        ])
        return s
    }

    @Test(arguments: [(80, 24), (120, 40)])
    func batchesThenABatchThenItsRequests(width: Int, height: Int) throws {
        let runner = EffectRunner(store: try storeWithBatch())
        var state = AppState(width: width, height: height)
        runner.start(&state)
        runner.apply(.key(.char("b")), to: &state)
        var text = Render.draw(state).text
        #expect(text.contains("Docket · Batches  1"))
        #expect(text.contains("B1"))
        #expect(text.contains("1 accepted, 1 rejected, 1 pending"))
        runner.apply(.key(.enter), to: &state)
        text = Render.draw(state).text
        #expect(text.contains("Docket · Batch B1 to cropster"))
        #expect(text.contains("ORD-0000000"))
        #expect(text.contains("items[0].quantity"))
        #expect(text.contains("Order is CLOSED"))
        runner.apply(.key(.tab), to: &state)
        text = Render.draw(state).text
        #expect(text.contains("HTTP 422"))
        runner.apply(.key(.enter), to: &state)
        text = Render.draw(state).text
        #expect(text.contains("bulk_operation_failed"))
        #expect(text.contains("\"externalId\": \"ORD-0000000\""))
        runner.apply(.key(.escape), to: &state)
        runner.apply(.key(.tab), to: &state)
        runner.apply(.key(.enter), to: &state)
        #expect(state.screen == .order)
        runner.apply(.key(.escape), to: &state)
        #expect(state.screen == .batch)
        runner.apply(.key(.escape), to: &state)
        #expect(state.screen == .batches)
        runner.apply(.key(.escape), to: &state)
        #expect(state.screen == .orders)
    }

    @Test func lLooksUpUnknownOrdersWhereTheTargetCanSay() throws {
        let s = try store(3)
        for (id, target, dialect) in [("B-DD", "dropday", Dialect.dropday), ("B-CR", "cropster", .cropster)] {
            try s.createBatch(id: id, target: target, dialect: dialect, externalIds: ["ORD-0000000"])
            try s.recordOutcomes(batch: id, target: target, [OrderOutcome(externalId: "ORD-0000000", outcome: .unknown)])
            try s.finishBatch(id)
        }
        let composer = RecordingComposer(store: s)
        let runner = EffectRunner(store: s, composer: composer)
        var state = AppState(width: 120, height: 40)
        runner.start(&state)
        runner.apply(.key(.char("b")), to: &state)
        var said: [String: String] = [:]
        for step in 0..<2 {
            if step == 1 { runner.apply(.key(.escape), to: &state); runner.apply(.key(.down), to: &state) }
            runner.apply(.key(.enter), to: &state)
            #expect(Render.draw(state).text.contains("L look up unknown"))
            runner.apply(.key(.char("L")), to: &state)
            said[state.batch?.summary.id ?? ""] = state.message
        }
        // Dropday can say whether it has an order; Cropster is an upsert, settled by sending again.
        #expect(composer.reconciled == ["B-DD"])
        #expect(said["B-DD"] == "Looking up 1 at dropday")
        #expect(said["B-CR"]?.contains("upsert: R sends the 1 order again") == true)
    }

    @Test func theBatchListFollowsOtherProcesses() throws {
        let s = try storeWithBatch()
        let runner = EffectRunner(store: s)
        var state = AppState(width: 100, height: 30)
        runner.start(&state)
        runner.apply(.key(.char("b")), to: &state)
        #expect(state.batches.items.count == 1)
        try s.createBatch(id: "B2", target: "omnia", dialect: .omnia, externalIds: ["ORD-0000001"])
        runner.apply(.tick, to: &state)
        #expect(state.batches.items.count == 2)
        #expect(state.batches.items[state.batches.cursor].id == "B1")
    }
}

@Suite struct BatchWatchTests {
    /// A running batch is watched by reading what changed since the last
    /// look; what it shows is what a full load would.
    /// A batch this console sends says how fast the target lets it go.
    @Test func aBatchSentFromHereShowsItsPace() throws {
        let s = try store(4)
        try s.createBatch(id: "BP", target: "cropster", dialect: .cropster, externalIds: ["ORD-0000000", "ORD-0000001"])
        let runner = EffectRunner(store: s)
        var state = AppState(width: 120, height: 30)
        runner.start(&state)
        for k in [Key.char("b"), .enter] { runner.apply(.key(k), to: &state) }
        #expect(!Render.draw(state).text.contains("at once"))
        state.paces = ["BP": Pace(concurrency: 2, maxConcurrency: 4, rateLimit: 5, throttled: 3)]
        let line = Render.draw(state).text.split(separator: "\n")[1]
        #expect(line.contains("0% · 2 of 4 at once, ≤ 5 req/s, 3 × 429 · 2 orders"), "\(line)")
    }

    @Test func aRunningBatchIsReadOnFromWhereItWasNotLoadedWhole() throws {
        let s = try store(40)
        let ids = (0..<40).map { String(format: "ORD-%07d", $0) }
        try s.createBatch(id: "BW", target: "cropster", dialect: .cropster, externalIds: ids)
        let runner = EffectRunner(store: s)
        var state = AppState(width: 100, height: 30)
        runner.start(&state)
        for k in [Key.char("b"), .enter] { runner.apply(.key(k), to: &state) }
        #expect(state.batch?.summary.counts == [.pending: 40])
        let first = try #require(state.batchPosition)
        // Answers arrive for some orders; the batch's next tick reads only those.
        try s.recordResponse(batch: "BW", target: "cropster",
                             RequestRecord(sequence: 1, attempt: 1, method: "POST", url: "http://127.0.0.1:1/x", requestBody: [], status: 200,
                                           responseBody: [], error: nil, startedAt: "2026-11-26T10:00:00Z", milliseconds: 3, orderIds: Array(ids.prefix(10))),
                             settled: ids.prefix(10).map { OrderOutcome(externalId: $0, outcome: .accepted) })
        try s.recordOutcomes(batch: "BW", target: "cropster", [OrderOutcome(externalId: ids[10], outcome: .rejected,
                                                                            errors: [OrderIssue(code: "x", message: "no", field: "currency")])])
        let changes = try #require(try s.batchChanges("BW", since: first))
        // What was recorded since, at least (rows of the same second as the
        // last look come again: none written in it is missed).
        #expect(Set(ids.prefix(11)).isSubset(of: changes.outcomes.map(\.externalId)))
        #expect(changes.requests.count == 1)
        runner.apply(.tick, to: &state)
        #expect(state.batch?.summary.counts == [.accepted: 10, .rejected: 1, .pending: 29])
        #expect(state.batchRequests.count == 1)
        #expect(state.batch?.outcomes[10].errors.first?.message == "no")
        // Finished: the store's own counts, and the screen says so.
        try s.recordOutcomes(batch: "BW", target: "cropster", ids.dropFirst(11).map { OrderOutcome(externalId: $0, outcome: .accepted) })
        try s.finishBatch("BW")
        runner.apply(.tick, to: &state)
        let full = try #require(try s.batch("BW"))
        #expect(state.batch?.summary.counts == full.summary.counts)
        #expect(state.batch?.outcomes == full.outcomes)
        #expect(Render.draw(state).text.contains("finished"))
        #expect(!Render.draw(state).text.contains("sending"))
    }
}
