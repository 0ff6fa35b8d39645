import DocketCore
import DocketStore
import Foundation
import Testing
@testable import DocketTUI

/// The order editor against a real store: edit, check as you type, save,
/// and a save refused because someone else saved first.
@Suite struct OrderEditorTests {
    let omnia = [TargetChoice(name: "cropster", dialect: .cropster), TargetChoice(name: "omnia", dialect: .omnia)]

    func open(_ id: String, in s: SQLiteOrderStore, width: Int = 120, height: Int = 40) -> (EffectRunner, AppState) {
        let runner = EffectRunner(store: s)
        var state = AppState(width: width, height: height)
        runner.start(&state)
        state.targets = omnia
        runner.apply(.key(.char(":")), to: &state)
        type("open \(id)", runner, &state)
        runner.apply(.key(.enter), to: &state)
        return (runner, state)
    }

    func type(_ text: String, _ runner: EffectRunner, _ state: inout AppState) {
        for c in text { runner.apply(.key(.char(c)), to: &state) }
    }

    /// Moves the order screen's cursor onto the field `path`.
    func select(_ path: String, _ runner: EffectRunner, _ state: inout AppState) throws {
        let view = try #require(state.orderView)
        let target = try #require(view.rows.firstIndex { $0.path == path }, "no row \(path)")
        let delta = target - view.list.cursor
        for _ in 0..<abs(delta) { runner.apply(.key(delta > 0 ? .down : .up), to: &state) }
        #expect(state.orderView?.selectedRow?.path == path)
    }

    /// Replaces the selected field's text and keeps it.
    func edit(_ text: String, _ runner: EffectRunner, _ state: inout AppState) {
        runner.apply(.key(.enter), to: &state)
        runner.apply(.key(.char("\u{15}")), to: &state)
        type(text, runner, &state)
        runner.apply(.key(.enter), to: &state)
    }

    @Test func whatGoesOutConvertedIsShownBesideItsField() throws {
        let s = try store(3)
        var order = try #require(try s.order(externalId: "ORD-0000001")).order
        order.orderDate = "2026-04-02T10:15:00+02:00"
        _ = try s.importOrders([order])
        var (runner, state) = open("ORD-0000001", in: s)
        // Checked against Cropster (the first target): the date goes in UTC.
        #expect(state.orderView?.conversions.map(\.field) == ["orderDate"])
        #expect(Render.draw(state).text.contains("→ orderDate 2026-04-02T10:15:00+02:00 goes to Cropster"))
        // Typed into a UTC date, nothing is converted any more.
        try select("orderDate", runner, &state)
        edit("2026-04-02T08:15:00Z", runner, &state)
        #expect(state.orderView?.conversions.isEmpty == true)
    }

    @Test func editAndSaveAnOpenOrder() throws {
        let s = try store(3)
        var (runner, state) = open("ORD-0000001", in: s)
        #expect(state.screen == .order)
        try select("customer.name", runner, &state)
        edit("Jane Roe", runner, &state)
        var text = Render.draw(state).text
        #expect(text.contains("1 change not saved"))
        #expect(text.contains("*  customer.name") || text.contains("* customer.name"))
        runner.apply(.key(.char("s")), to: &state)
        runner.apply(.key(.char("y")), to: &state)
        #expect(state.message?.hasPrefix("Saved 1 change") == true)
        let stored = try #require(try s.order(externalId: "ORD-0000001"))
        #expect(stored.order.customer?.name == "Jane Roe")
        #expect(stored.version == 2)
        text = Render.draw(state).text
        #expect(text.contains("version 2"))
        #expect(!text.contains("not saved"))
        // The table behind shows the new name at once.
        runner.apply(.key(.escape), to: &state)
        #expect(state.orders.rows.first { $0.externalId == "ORD-0000001" }?.customer == "Jane Roe")
    }

    @Test func closedOrdersAreReadOnlyAndSaySo() throws {
        let s = try store(0)
        var closed = Order(externalId: "C-1")
        closed.status = .closed
        _ = try s.importOrders([closed])
        var (runner, state) = open("C-1", in: s, width: 80, height: 24)
        #expect(Render.draw(state).text.contains("Read-only: only OPEN orders can be edited (this one is CLOSED)"))
        runner.apply(.key(.enter), to: &state)
        #expect(state.orderView?.input == nil)
        #expect(state.message?.contains("only OPEN orders can be edited") == true)
    }

    @Test func theDraftIsCheckedAgainstTheChosenTargetAsItIsTyped() throws {
        let s = try store(0)
        var g = OrderGenerator(seed: 3)
        var o = g.order(1, prefix: "V-")
        o.currency = "EURO"
        _ = try s.importOrders([o])
        var (runner, state) = open("V-0000001", in: s)
        // Never sent: checked against the first target until t picks another.
        while state.orderView.map({ omnia[$0.checkTarget].name }) != "omnia" { runner.apply(.key(.char("t")), to: &state) }
        var text = Render.draw(state).text
        #expect(text.contains("Checked against omnia (Omnia Retail)"))
        let currency = try #require(text.split(separator: "\n").first { $0.contains(" currency ") })
        #expect(currency.contains("EURO"))
        #expect(currency.contains("ISO 4217"))
        try select("currency", runner, &state)
        runner.apply(.key(.enter), to: &state)
        runner.apply(.key(.backspace), to: &state)
        // "EUR" typed, not yet kept: the problem is gone already.
        #expect(state.orderView?.issues.contains { $0.field == "currency" } == false)
        runner.apply(.key(.char("X")), to: &state)
        #expect(state.orderView?.issues.contains { $0.field == "currency" } == true)
        runner.apply(.key(.escape), to: &state)
        #expect(state.orderView?.edit.isEmpty == true)
        text = Render.draw(state).text
        #expect(text.contains("ISO 4217"))
    }

    @Test func aValueThatDoesNotFitIsShownAndNotSaved() throws {
        let s = try store(2)
        var (runner, state) = open("ORD-0000000", in: s)
        try select("items[0].quantity", runner, &state)
        edit("two", runner, &state)
        #expect(Render.draw(state).text.contains("\"two\" is not a number"))
        runner.apply(.key(.char("s")), to: &state)
        #expect(state.message?.contains("Not saved: items[0].quantity") == true)
        #expect(try s.order(externalId: "ORD-0000000")?.version == 1)
        runner.apply(.key(.char("x")), to: &state)
        #expect(state.orderView?.edit.isEmpty == true)
    }

    @Test func anOrderChangedSinceATargetTookItSaysSo() throws {
        let s = try store(1)
        try s.createBatch(id: "B-A", target: "dropday", dialect: .dropday, externalIds: ["ORD-0000000"])
        try s.recordOutcomes(batch: "B-A", target: "dropday", [OrderOutcome(externalId: "ORD-0000000", outcome: .accepted)])
        try s.finishBatch("B-A")
        var stored = try #require(try s.order(externalId: "ORD-0000000"))
        stored.order.customer?.name = "Changed"
        _ = try s.save(stored.order, expectedVersion: stored.version)
        let (_, state) = open("ORD-0000000", in: s)
        #expect(Render.draw(state).text.contains("changed since dropday created it (v1); Dropday cannot update it"))
    }

    @Test func theLastRejectionsErrorsSitNextToTheirFields() throws {
        let s = try store(2)
        try s.createBatch(id: "B-R", target: "omnia", dialect: .omnia, externalIds: ["ORD-0000000"])
        try s.recordOutcomes(batch: "B-R", target: "omnia", [
            OrderOutcome(externalId: "ORD-0000000", outcome: .rejected,
                         errors: [OrderIssue(code: "unknown_product", message: "not a product of this contract", field: "items[0].productId"),
                                  OrderIssue(code: "invalid", message: "the order was refused as a whole")]),
        ])
        var (runner, state) = open("ORD-0000000", in: s)
        let text = Render.draw(state).text
        #expect(text.contains("Last sent: rejected by omnia in B-R (2 errors, marked !)"))
        #expect(text.contains("the order was refused as a whole"))
        let line = try #require(text.split(separator: "\n").first { $0.contains("items[0].productId") })
        #expect(line.contains("rejected: not a product of this contract"))
        // Checked against the target that refused it.
        #expect(state.orderView.map { omnia[$0.checkTarget].name } == "omnia")
        try select("items[0].productId", runner, &state)
        #expect(state.orderView?.selectedRow?.rejected.count == 1)
    }

    @Test func aSaveAfterSomeoneElsesIsRefusedAndNothingTypedIsLost() throws {
        let s = try store(2)
        var (runner, state) = open("ORD-0000000", in: s)
        try select("customer.name", runner, &state)
        edit("Mine", runner, &state)
        // Someone else saves the same order meanwhile.
        var theirs = try #require(try s.order(externalId: "ORD-0000000")).order
        theirs.currency = "SEK"
        _ = try s.save(theirs, expectedVersion: 1)

        runner.apply(.key(.char("s")), to: &state)
        runner.apply(.key(.char("y")), to: &state)
        #expect(state.message?.contains("someone else saved this order (now version 2)") == true)
        #expect(state.orderView?.edit.text(for: "customer.name") == "Mine")
        #expect(Render.draw(state).text.contains("Mine"))
        #expect(try s.order(externalId: "ORD-0000000")?.order.customer?.name != "Mine")

        runner.apply(.key(.char("u")), to: &state)
        #expect(state.orderView?.stored.version == 2)
        runner.apply(.key(.char("s")), to: &state)
        runner.apply(.key(.char("y")), to: &state)
        let saved = try #require(try s.order(externalId: "ORD-0000000"))
        #expect(saved.version == 3)
        #expect(saved.order.customer?.name == "Mine")
        #expect(saved.order.currency == "SEK")
    }

    @Test func leavingWithUnsavedChangesAsksFirst() throws {
        let s = try store(2)
        var (runner, state) = open("ORD-0000000", in: s)
        try select("customer.name", runner, &state)
        edit("Someone", runner, &state)
        runner.apply(.key(.escape), to: &state)
        #expect(state.screen == .order)
        #expect(state.message?.contains("1 change not saved") == true)
        runner.apply(.key(.char(":")), to: &state)
        type("batches", runner, &state)
        runner.apply(.key(.enter), to: &state)
        #expect(state.screen == .order)
        runner.apply(.key(.escape), to: &state)
        runner.apply(.key(.escape), to: &state)
        #expect(state.screen == .orders)
        #expect(try s.order(externalId: "ORD-0000000")?.version == 1)
    }

    @Test func ctrlCQuitsEvenWhileTypingButAsksFirstWhenAnEditWouldBeLost() throws {
        let s = try store(2)
        var (runner, state) = open("ORD-0000000", in: s)
        try select("customer.name", runner, &state)
        runner.apply(.key(.enter), to: &state)
        type("half typ", runner, &state)
        runner.apply(.key(.char("\u{3}")), to: &state)
        #expect(!state.quit)
        #expect(state.message?.contains("Press Ctrl-C again") == true)
        runner.apply(.key(.char("\u{3}")), to: &state)
        #expect(state.quit)
        // With nothing to lose, at once, even from the search line.
        var (r2, plain) = open("ORD-0000001", in: s)
        r2.apply(.key(.escape), to: &plain)
        r2.apply(.key(.char("/")), to: &plain)
        r2.apply(.key(.char("\u{3}")), to: &plain)
        #expect(plain.quit)
    }
}

@Suite struct WholeOrderEditTests {
    func open(_ s: SQLiteOrderStore) -> (EffectRunner, AppState) {
        let runner = EffectRunner(store: s)
        var state = AppState(width: 120, height: 50)
        runner.start(&state)
        for k in [Key.char(":")] + "open ORD-0000000".map({ Key.char($0) }) + [.enter] { runner.apply(.key(k), to: &state) }
        return (runner, state)
    }

    func select(_ path: String, _ runner: EffectRunner, _ state: inout AppState) throws {
        let rows = try #require(state.orderView?.rows)
        let target = try #require(rows.firstIndex { $0.path == path }, "no row \(path)")
        let delta = target - (state.orderView?.list.cursor ?? 0)
        for _ in 0..<abs(delta) { runner.apply(.key(delta > 0 ? .down : .up), to: &state) }
    }

    @Test func linesAddedAndRemovedFieldsClearedUndoneAndReviewedBeforeSaving() throws {
        let s = try store(1)
        let before = try #require(try s.order(externalId: "ORD-0000000"))
        let lines = before.order.items.count
        var (runner, state) = open(s)
        // d removes the line under the cursor; z undoes it.
        try select("items[0].sku", runner, &state)
        runner.apply(.key(.char("d")), to: &state)
        #expect(try #require(try state.orderView?.draft().get()).items.count == lines - 1)
        runner.apply(.key(.char("z")), to: &state)
        #expect(state.orderView?.edit.isEmpty == true)
        // o adds an empty line after it; the rules see it at once.
        try select("items[0].sku", runner, &state)
        runner.apply(.key(.char("o")), to: &state)
        let draft = try #require(try state.orderView?.draft().get())
        #expect(draft.items.count == lines + 1)
        #expect(draft.items[1] == OrderItem())
        #expect(state.orderView?.issues.contains { $0.field?.hasPrefix("items[1].") == true } == true)
        // Fill it in: its fields are rows like any other.
        runner.apply(.key(.char("z")), to: &state)
        // c clears a field back to absent, not "".
        try select("source", runner, &state)
        runner.apply(.key(.char("c")), to: &state)
        #expect(try #require(try state.orderView?.draft().get()).source == nil)
        #expect(Render.draw(state).text.contains("(removed)"))
        // s shows the diff; y saves it.
        runner.apply(.key(.char("s")), to: &state)
        let review = Render.draw(state).text
        #expect(review.contains("Saving changes 1 field of version 1"))
        #expect(review.contains("source: \"\(before.order.source ?? "")\" → (absent)"))
        #expect(try s.order(externalId: "ORD-0000000")?.version == 1)
        runner.apply(.key(.char("y")), to: &state)
        let saved = try #require(try s.order(externalId: "ORD-0000000"))
        #expect(saved.version == 2)
        #expect(saved.order.source == nil)
        #expect(saved.order.items.count == lines)
        // h: who changed it, and what.
        runner.apply(.key(.char("h")), to: &state)
        #expect(state.screen == .pager)
        let history = Render.draw(state).text
        #expect(history.contains("Version 2"))
        #expect(history.contains("(edit)"))
        #expect(history.contains("source: \"\(before.order.source ?? "")\" → (absent)"))
    }

    @Test func stepsApplyInOrderAcrossRenumberedLines() {
        var o = Order(externalId: "E-1")
        o.items = [OrderItem(), OrderItem(), OrderItem()]
        o.items[0].sku = "A"; o.items[1].sku = "B"; o.items[2].sku = "C"
        var edit = OrderEdit()
        edit.deleteItem(at: 0)
        edit.set("items[0].sku", to: "B2")
        edit.clear("items[1].sku")
        let out = try? edit.apply(to: o).get()
        #expect(out?.items.map(\.sku) == ["B2", nil])
        edit.undo()
        #expect((try? edit.apply(to: o).get())?.items.map(\.sku) == ["B2", "C"])
    }
}
