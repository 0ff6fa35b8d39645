import DocketCore
import Foundation
import Testing

@Suite struct OrderEditTests {
    func order() -> Order {
        var g = OrderGenerator(seed: 1)
        return g.order(0)
    }

    @Test func changesTextNumbersAndNewFieldsByPath() throws {
        var o = order()
        o.customer = nil
        var edit = OrderEdit()
        edit.set("items[0].quantity", to: "7")
        edit.set("items[0].unitPrice", to: "14.10")
        edit.set("customer.email", to: "jane@example.com")
        edit.set("currency", to: "SEK")
        let changed = try edit.apply(to: o).get()
        #expect(changed.items[0].quantity == 7)
        #expect(changed.items[0].unitPrice?.description == "14.1")
        #expect(changed.customer?.email == "jane@example.com")
        #expect(changed.currency == "SEK")
        #expect(changed.items[0].unitPrice == Decimal(string: "14.10"))
    }

    @Test func aValueThatDoesNotFitNamesItsField() {
        var edit = OrderEdit()
        edit.set("items[0].quantity", to: "two")
        guard case .failure(let e) = edit.apply(to: order()) else { Issue.record("a quantity of two was taken"); return }
        #expect(e.field == "items[0].quantity")
        #expect(e.message.contains("\"two\" is not a number"))
    }

    @Test func keysAndMissingLinesAreRefused() {
        var edit = OrderEdit()
        edit.set("externalId", to: "OTHER")
        if case .success = edit.apply(to: order()) { Issue.record("the external id was changed") }
        var lines = OrderEdit()
        lines.set("items[9].sku", to: "X")
        guard case .failure(let e) = lines.apply(to: order()) else { Issue.record("a tenth line was made up"); return }
        #expect(e.message.contains("no entry [9]"))
    }

    @Test func pathsWithQuotedKeysAndIndices() throws {
        let path = try FieldPath(#"extra["a \"b\".c"][2].d"#)
        #expect(path.steps == [.key("extra"), .key(#"a "b".c"#), .index(2), .key("d")])
        #expect(throws: DocketError.self) { try FieldPath("items[x]") }
    }

    @Test func revertingForgetsTheChangeAndKeepsOrder() {
        var edit = OrderEdit()
        edit.set("a", to: "1")
        edit.set("b", to: "2")
        edit.set("a", to: "3")
        #expect(edit.changes.map(\.path) == ["a", "b"])
        #expect(edit.text(for: "a") == "3")
        edit.revert("a")
        #expect(edit.changes.map(\.path) == ["b"])
    }
}
