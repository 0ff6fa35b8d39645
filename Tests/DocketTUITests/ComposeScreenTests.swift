import DocketCore
import DocketStore
import Foundation
import Testing
@testable import DocketTUI

/// A composer that plans from the store and "sends" by recording a batch.
final class RecordingComposer: Composer, @unchecked Sendable {
    let store: SQLiteOrderStore
    var sent: [ComposePlan] = []
    var sending = 0
    init(store: SQLiteOrderStore) { self.store = store }

    var targets: [TargetChoice] { [TargetChoice(name: "cropster", dialect: .cropster), TargetChoice(name: "omnia", dialect: .omnia)] }

    func plan(target: String, query: OrderQuery) -> Result<ComposePlan, DocketError> {
        var ids: [String] = []
        try? store.forEachOrder(query) { ids.append($0.order.externalId) }
        let skipped = target == "omnia" && ids.contains("ORD-0000001") ? [OrderOutcome(externalId: "ORD-0000001", outcome: .skipped,
                                                         errors: [OrderIssue(code: "format", message: "\"EURO\" must be an ISO 4217 currency code", field: "currency")])] : []
        let sendable = ids.filter { id in !skipped.contains { $0.externalId == id } }
        let requests = stride(from: 0, to: sendable.count, by: 5).map { Array(sendable[$0..<min($0 + 5, sendable.count)]) }
        var all = query
        all.skipUnchangedRefusals = false
        let unchanged = ((try? store.count(all)) ?? 0) - ids.count
        return .success(ComposePlan(target: target, dialect: target == "omnia" ? .omnia : .cropster, query: query, orderCount: ids.count,
                                    requests: requests, skipped: skipped, unchangedRefused: unchanged,
                                    firstRequest: "{\n  \"data\": []\n}"))
    }

    func request(_ index: Int, of plan: ComposePlan) -> Result<String, DocketError> {
        .success("{\n  \"request\": \(index + 1)\n}")
    }

    var reconciled: [String] = []
    func reconcile(batch: BatchSummary) -> Result<String, DocketError> {
        reconciled.append(batch.id)
        return .success("Looking up \(batch.counts[.unknown] ?? 0) at \(batch.target)")
    }

    func send(_ plan: ComposePlan) -> Result<SendStarted, DocketError> {
        sent.append(plan)
        _ = try? store.createBatch(id: "B-SENT", target: plan.target, dialect: plan.dialect, externalIds: ["ORD-0000000"])
        return .success(SendStarted(batch: "B-SENT", leftOut: nil))
    }
}

@Suite struct ComposeScreenTests {
    @Test(arguments: [(80, 24), (120, 40)])
    func composePlansPerTargetAndSendsToTheBatchScreen(width: Int, height: Int) throws {
        let s = try store(12)
        let composer = RecordingComposer(store: s)
        let runner = EffectRunner(store: s, composer: composer)
        var state = AppState(width: width, height: height)
        runner.start(&state)
        runner.apply(.key(.char("c")), to: &state)
        var text = Render.draw(state).text
        #expect(text.contains("Compose a batch"))
        #expect(text.contains("12 OPEN orders"))
        #expect(text.contains("\"data\""))
        runner.apply(.key(.right), to: &state)
        text = Render.draw(state).text
        #expect(text.contains("not yet at omnia"))
        #expect(text.contains("currency"))
        state.batchFilter = "rejected"
        runner.apply(.key(.char("s")), to: &state)
        // Nothing goes before the question is answered, and it names the target.
        #expect(composer.sent.isEmpty)
        #expect(Render.draw(state).text.contains("Send 11 orders to omnia (Omnia Retail)? y sends"))
        runner.apply(.key(.char("y")), to: &state)
        #expect(state.batchFilter == nil)
        #expect(composer.sent.first?.target == "omnia")
        #expect(composer.sent.first?.query.notTakenBy == "omnia")
        #expect(state.screen == .batch)
        #expect(Render.draw(state).text.contains("Batch B-SENT"))
    }

    @Test func withoutTargetsComposeSaysHowToAddOne() throws {
        let runner = EffectRunner(store: try store(2))
        var state = AppState(width: 80, height: 24)
        runner.start(&state)
        runner.apply(.key(.char("c")), to: &state)
        #expect(state.screen == .orders)
        #expect(Render.draw(state).text.contains("No targets configured"))
    }

    @Test func quittingWhileSendingAsksFirst() throws {
        let s = try store(2)
        let composer = RecordingComposer(store: s)
        composer.sending = 1
        let runner = EffectRunner(store: s, composer: composer)
        var state = AppState(width: 80, height: 24)
        runner.start(&state)
        runner.apply(.key(.char("q")), to: &state)
        #expect(!state.quit)
        #expect(Render.draw(state).text.contains("still being sent"))
        runner.apply(.key(.char("q")), to: &state)
        #expect(state.quit)
    }

    @Test func retryWhatFailedComposesTheBatchsFailures() throws {
        let s = try store(4)
        try s.createBatch(id: "B9", target: "cropster", dialect: .cropster, externalIds: ["ORD-0000000", "ORD-0000001", "ORD-0000002"])
        try s.recordOutcomes(batch: "B9", target: "cropster", [
            OrderOutcome(externalId: "ORD-0000000", outcome: .rejected), OrderOutcome(externalId: "ORD-0000001", outcome: .accepted),
            OrderOutcome(externalId: "ORD-0000002", outcome: .unknown),
        ])
        try s.finishBatch("B9")
        let composer = RecordingComposer(store: s)
        let runner = EffectRunner(store: s, composer: composer)
        var state = AppState(width: 100, height: 30)
        runner.start(&state)
        runner.apply(.key(.char("b")), to: &state)
        runner.apply(.key(.enter), to: &state)
        runner.apply(.key(.char("R")), to: &state)
        #expect(state.screen == .compose)
        // The refused order nobody changed would be refused again: left out
        // and counted, until R again.
        var text = Render.draw(state).text
        #expect(text.contains("1 of the batch's failed orders"))
        #expect(text.contains("1 order refused by cropster and unchanged since left out: R again"))
        #expect(state.plan?.requests.flatMap { $0 } == ["ORD-0000002"])
        runner.apply(.key(.char("R")), to: &state)
        text = Render.draw(state).text
        #expect(text.contains("2 of the batch's failed orders"))
        runner.apply(.key(.char("s")), to: &state)
        runner.apply(.key(.char("y")), to: &state)
        #expect(composer.sent.last?.target == "cropster")
        #expect(composer.sent.last?.requests.flatMap { $0 } == ["ORD-0000000", "ORD-0000002"])
    }

    @Test func everyRequestOfThePlanCanBeRead() throws {
        let s = try store(12)
        let runner = EffectRunner(store: s, composer: RecordingComposer(store: s))
        var state = AppState(width: 100, height: 30)
        runner.start(&state)
        runner.apply(.key(.char("c")), to: &state)
        #expect(Render.draw(state).text.contains("Request 1 of 3 (5 orders), as it will be sent"))
        runner.apply(.key(.char("]")), to: &state)
        runner.apply(.key(.char("]")), to: &state)
        var text = Render.draw(state).text
        #expect(text.contains("Request 3 of 3 (2 orders)"))
        #expect(text.contains("\"request\": 3"))
        runner.apply(.key(.char("]")), to: &state)
        #expect(state.message == "That is the last request.")
        runner.apply(.key(.char("[")), to: &state)
        text = Render.draw(state).text
        #expect(text.contains("Request 2 of 3"))
        // Another target plans afresh, from its first request.
        runner.apply(.key(.right), to: &state)
        #expect(Render.draw(state).text.contains("Request 1 of 3"))
    }

    /// Any selection composes: the plan keeps each order's key, the first
    /// requests and the first refusals, and counts the rest.
    @Test func aLargeSelectionComposesWithItsCountsAndFirstRequests() throws {
        let s = try store(6_000)
        let config = DocketConfig(targets: ["cropster": TargetConfig(name: "cropster", dialect: .cropster, baseURL: "http://127.0.0.1:9/cropster",
                                                                      batchSize: 50, auth: .bearer(token: Secret(.inline("t"), key: "token")))])
        let composer = BatchComposer(config: config, store: s, transport: PlanningOnly())
        let runner = EffectRunner(store: s, composer: composer)
        var state = AppState(width: 100, height: 30)
        runner.start(&state)
        runner.apply(.key(.char("c")), to: &state)
        let plan = try #require(state.plan)
        #expect(plan.keys.count == 6_000)
        #expect(plan.keys.allSatisfy { $0.version == 1 })
        #expect(plan.orderCount == 6_000)
        #expect(plan.requests.count == ComposePlan.shownRequests)
        #expect(plan.requestCount * 50 >= plan.sendable && plan.requestCount == (plan.sendable + 49) / 50)
        #expect(plan.skipped.count == plan.skippedCount, "fewer than \(ComposePlan.shownSkipped) refusals are all kept")
        let text = Render.draw(state).text
        #expect(text.contains("\(plan.sendable) orders to send in \(plan.requestCount) requests of up to 50 orders"))
        #expect(!text.contains("more than"))
        // ] walks the first requests; past them it says where the rest are.
        for _ in 0..<ComposePlan.shownRequests { runner.apply(.key(.char("]")), to: &state) }
        #expect(state.shownRequest?.index == ComposePlan.shownRequests - 1)
        #expect(state.message?.contains("docket export --as cropster") == true)
    }

    /// A plan stops once nobody waits for it (Compose was left, or a newer
    /// plan was asked for): it reads no further, and the console drops it.
    @Test func aPlanNobodyWaitsForStopsReading() throws {
        let s = try store(6_000)
        let config = DocketConfig(targets: ["cropster": TargetConfig(name: "cropster", dialect: .cropster, baseURL: "http://127.0.0.1:9/cropster",
                                                                      batchSize: 50, auth: .bearer(token: Secret(.inline("t"), key: "token")))])
        let composer = BatchComposer(config: config, store: s, transport: PlanningOnly())
        let query = OrderQuery(statuses: [.open])
        var asked = 0
        #expect(composer.plan(target: "cropster", query: query, while: { asked += 1; return asked < 3 }) == nil)
        #expect(asked == 3, "asked every 1,000 orders until told no: 2,000 of 6,000 read")
        let whole = try #require(composer.plan(target: "cropster", query: query, while: { true }))
        #expect(try whole.get().orderCount == 6_000)
        let runner = EffectRunner(store: s, composer: composer)
        guard case .dropped = runner.run(.plan(target: "cropster", query: query), stillWanted: { false }) else {
            Issue.record("a plan nobody waits for comes back as dropped")
            return
        }
    }

    @Test func composeTakesExactlyTheViewAndOpensOnItsTarget() throws {
        let s = try store(6)
        try s.createBatch(id: "B1", target: "cropster", dialect: .cropster, externalIds: ["ORD-0000000", "ORD-0000001", "ORD-0000002"])
        try s.recordOutcomes(batch: "B1", target: "cropster", [
            OrderOutcome(externalId: "ORD-0000000", outcome: .rejected), OrderOutcome(externalId: "ORD-0000001", outcome: .rejected),
            OrderOutcome(externalId: "ORD-0000002", outcome: .accepted),
        ])
        try s.finishBatch("B1")
        // ORD-0000001 was fixed since Cropster refused it.
        var fixed = try #require(try s.order(externalId: "ORD-0000001"))
        fixed.order.customer?.name = "Fixed"
        _ = try s.save(fixed.order, expectedVersion: fixed.version)
        let composer = RecordingComposer(store: s)
        let runner = EffectRunner(store: s, composer: composer)
        var state = AppState(width: 100, height: 30)
        runner.start(&state)
        for command in ["target cropster", "outcome rejected"] {
            runner.apply(.key(.char(":")), to: &state)
            for c in command { runner.apply(.key(.char(c)), to: &state) }
            runner.apply(.key(.enter), to: &state)
        }
        #expect(state.orders.total == 2)
        runner.apply(.key(.char("c")), to: &state)
        // The view's target, and only the refusal someone fixed.
        #expect(state.plan?.target == "cropster")
        #expect(state.plan?.requests.flatMap { $0 } == ["ORD-0000001"])
        #expect(state.plan?.unchangedRefused == 1)
        runner.apply(.key(.char("s")), to: &state)
        runner.apply(.key(.char("n")), to: &state)
        #expect(composer.sent.isEmpty)
        #expect(state.message == "Not sent.")
        // A view of orders that cannot be sent composes nothing.
        runner.apply(.key(.escape), to: &state)
        runner.apply(.key(.char(":")), to: &state)
        for c in "status CANCELLED" { runner.apply(.key(.char(c)), to: &state) }
        runner.apply(.key(.enter), to: &state)
        runner.apply(.key(.char("c")), to: &state)
        #expect(state.plan == nil)
        #expect(state.composeError?.contains("Only OPEN orders can be sent") == true)
        runner.apply(.key(.char("s")), to: &state)
        runner.apply(.key(.char("y")), to: &state)
        #expect(composer.sent.isEmpty)
    }
}
