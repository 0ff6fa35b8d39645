import DocketCore
import DocketStore
import Foundation
import Testing
@testable import DocketTUI

/// A store where omnia refused six orders for two retired products and one
/// for its currency, and cropster one for a quantity.
func storeWithRefusals() throws -> SQLiteOrderStore {
    let s = try store(0)
    var g = OrderGenerator(seed: 5)
    var orders: [Order] = []
    for i in 0..<10 {
        var o = g.order(i, prefix: "REF-")
        o.items[0].productId = i < 4 ? "RETIRED-33" : (i < 6 ? "RETIRED-41" : "P-\(i)")
        orders.append(o)
    }
    _ = try s.importOrders(orders)
    try s.createBatch(id: "B20261126T090000-err001", target: "omnia", dialect: .omnia, externalIds: orders.prefix(8).map(\.externalId))
    var outcomes: [OrderOutcome] = (0..<6).map { i in
        let product = i < 4 ? "RETIRED-33" : "RETIRED-41"
        return OrderOutcome(externalId: orders[i].externalId, outcome: .rejected, errors: [
            OrderIssue(code: "unknown_product", message: "itemId \(product) does not correspond to a product of contract qbcxvb", field: "items[0].productId"),
        ])
    }
    outcomes.append(OrderOutcome(externalId: orders[6].externalId, outcome: .rejected,
                                 errors: [OrderIssue(code: "invalid_currency", message: "currency \"EURO\" is not supported", field: "currency")]))
    outcomes.append(OrderOutcome(externalId: orders[7].externalId, outcome: .accepted, remoteIds: ["r-7"]))
    try s.recordOutcomes(batch: "B20261126T090000-err001", target: "omnia", outcomes)
    try s.finishBatch("B20261126T090000-err001")
    try s.createBatch(id: "B20261126T090500-err002", target: "cropster", dialect: .cropster, externalIds: [orders[9].externalId])
    try s.recordOutcomes(batch: "B20261126T090500-err002", target: "cropster", [
        OrderOutcome(externalId: orders[9].externalId, outcome: .rejected,
                     errors: [OrderIssue(code: "range", message: "quantity must be at least 1", field: "items[2].quantity")]),
    ])
    try s.finishBatch("B20261126T090500-err002")
    return s
}

@Suite struct ErrorsFixTests {
    func start(_ s: SQLiteOrderStore, width: Int = 120, height: Int = 40) -> (EffectRunner, AppState) {
        let runner = EffectRunner(store: s, composer: RecordingComposer(store: s))
        var state = AppState(width: width, height: height)
        runner.start(&state)
        return (runner, state)
    }

    func type(_ text: String) -> [Key] { text.map { .char($0) } }

    @Test func errorsGroupRefusalsByCauseWithTheValuesTakenOut() throws {
        let (runner, initial) = start(try storeWithRefusals())
        var state = initial
        runner.apply(.key(.char("e")), to: &state)
        #expect(state.screen == .errors)
        let groups = state.errors.groups
        // RETIRED-33 and RETIRED-41 are one cause; the currency another; cropster's quantity a third.
        #expect(groups.count == 3)
        let product = try #require(groups.first { $0.field == "items[*].productId" })
        #expect(product.count == 6)
        #expect(product.pattern == "itemId … does not correspond to a product of contract qbcxvb")
        // Recorded in the same second: the larger group first.
        #expect(groups.first?.id == product.id)
        let text = Render.draw(state).text
        #expect(text.contains("3 groups, 8 orders"))
        #expect(text.contains("items[*].productId"))
        // Enter opens the group as an Orders view of exactly its orders.
        let index = try #require(state.errors.visible.firstIndex { $0.id == product.id })
        for _ in 0..<index { runner.apply(.key(.down), to: &state) }
        runner.apply(.key(.enter), to: &state)
        #expect(state.screen == .orders)
        #expect(state.orders.total == 6)
        #expect(Render.draw(state).text.contains("group: items[*].productId"))
        // Esc shows every order again.
        runner.apply(.key(.escape), to: &state)
        #expect(state.orders.total == 10)
    }

    @Test func aReplaceOnMarkedGroupsPreviewsThenSavesEachAtItsVersion() throws {
        let s = try storeWithRefusals()
        let (runner, initial) = start(s)
        var state = initial
        runner.apply(.key(.char("e")), to: &state)
        let index = try #require(state.errors.visible.firstIndex { $0.field == "items[*].productId" })
        for _ in 0..<index { runner.apply(.key(.down), to: &state) }
        runner.apply(.key(.char("m")), to: &state)
        #expect(state.errors.marked.count == 1)
        for k in [Key.char(":")] + type("replace items[*].productId RETIRED-33 SKU-9") + [.enter] { runner.apply(.key(k), to: &state) }
        #expect(state.screen == .fix)
        let fix = try #require(state.fix)
        // Four orders held RETIRED-33; the two with RETIRED-41 stay as they are.
        #expect(fix.changes.count == 4)
        #expect(fix.unchanged.count == 2)
        #expect(fix.changes.allSatisfy { $0.target == "omnia" && $0.fields.map(\.path) == ["items[0].productId"] })
        let text = Render.draw(state).text
        #expect(text.contains("items[0].productId: \"RETIRED-33\" → \"SKU-9\""))
        // Someone else changes one of them meanwhile: it is listed, not overwritten.
        let first = try #require(try s.order(externalId: fix.changes[0].externalId))
        var theirs = first.order
        theirs.source = "changed by a colleague"
        _ = try s.save(theirs, expectedVersion: first.version)
        runner.apply(.key(.char("y")), to: &state)
        #expect(state.screen == .errors)
        #expect(state.message?.contains("Saved 3 orders") == true)
        #expect(state.message?.contains(fix.changes[0].externalId) == true)
        #expect(try s.order(externalId: fix.changes[0].externalId)?.order.source == "changed by a colleague")
        #expect(try s.order(externalId: fix.changes[0].externalId)?.order.items[0].productId == "RETIRED-33")
        #expect(try s.order(externalId: fix.changes[1].externalId)?.order.items[0].productId == "SKU-9")
    }

    @Test func escapeInThePreviewChangesNothing() throws {
        let s = try storeWithRefusals()
        let (runner, initial) = start(s)
        var state = initial
        for k in [Key.char(":")] + type("set source \"web shop\"") + [.enter] { runner.apply(.key(k), to: &state) }
        #expect(state.screen == .fix)
        #expect(state.fix?.changes.isEmpty == false)
        runner.apply(.key(.escape), to: &state)
        #expect(state.screen == .orders)
        #expect(try s.order(externalId: "REF-0000006")?.version == 1)
    }

    @Test func groupingKeepsOneEntryPerOrderAndCause() {
        let a = LatestOutcome(batch: "B", target: "t", at: "2", outcome: OrderOutcome(externalId: "A", outcome: .rejected, errors: [
            OrderIssue(code: "x", message: "Item 'RED 1' is unknown", field: "items[0].sku"),
            OrderIssue(code: "x", message: "Item 'BLUE 2' is unknown", field: "items[1].sku"),
        ]))
        let b = LatestOutcome(batch: "B", target: "t", at: "1", outcome: OrderOutcome(externalId: "B", outcome: .unknown))
        let groups = RefusalGrouping.group([a, b])
        #expect(groups.count == 2)
        #expect(groups[0].orders == ["A"])
        #expect(groups[0].pattern == "Item … is unknown")
        #expect(groups[1].code == "unknown")
        #expect(RefusalGrouping.fieldPattern("extra[\"a 1\"].b[12]") == "extra[\"a 1\"].b[*]")
    }
}
