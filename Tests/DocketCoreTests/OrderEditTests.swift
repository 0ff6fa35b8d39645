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

/// The diff walks two orders side by side; here it is held to what it
/// means: every flattened field whose value differs, in the newer order's
/// order, then every field only the older one has.
@Suite struct OrderDiffTests {
    static func reference(from old: Order, to new: Order) -> [OrderFields.Difference] {
        let before = OrderFields.flatten(old), after = OrderFields.flatten(new)
        let oldValues = Dictionary(before.map { ($0.path, $0.value) }, uniquingKeysWith: { a, _ in a })
        let newPaths = Set(after.map(\.path))
        return after.filter { oldValues[$0.path] != $0.value }.map { OrderFields.Difference(path: $0.path, old: oldValues[$0.path], new: $0.value) }
            + before.filter { !newPaths.contains($0.path) }.map { OrderFields.Difference(path: $0.path, old: $0.value, new: nil) }
    }

    /// Changes of every shape: values, fields and whole objects added and
    /// removed, lines added and removed, an empty list, unknown fields
    /// (quoted keys, an object where a value was).
    static func mutate(_ o: inout Order, _ k: Int) {
        switch k % 12 {
        case 0: o.currency = "SEK"
        case 1: o.customer = nil
        case 2: o.billingAddress = o.shippingAddress
        case 3: if !o.items.isEmpty { o.items.removeLast() }
        case 4: o.items.append(o.items.first ?? OrderItem())
        case 5: o.items = []
        case 6: if !o.items.isEmpty { o.items[0].quantity = 9; o.items[0].sku = nil }
        case 7: o.unknownFields["shipping"] = JSONObject([.init("odd key", .string("x")), .init("n", .object(JSONObject([.init("a", .number("1"))])))])
        case 8: o.unknownFields[""] = JSONObject([.init("extra", .array([]))])
        case 9: o.shippingAddress?.street = nil; o.shippingAddress?.company = "Ünïcode Ltd"
        case 10: o.total = nil; o.shippingCost = 0
        default:
            var gift = CustomAttribute()
            gift.id = "gift"
            gift.value = .object(JSONObject())
            o.customAttributes = [gift]
        }
    }

    @Test func theWalkFindsWhatFlatteningBothFinds() {
        var g = OrderGenerator(seed: 77)
        var checked = 0, nonEmpty = 0
        for i in 0..<400 {
            let base = g.order(i)
            var a = base, b = base
            for k in 0..<(i % 4) { Self.mutate(&a, i * 7 + k) }
            for k in 0..<(i % 3 + 1) { Self.mutate(&b, i * 5 + k * 3) }
            for (x, y) in [(a, b), (b, a), (base, b), (a, base), (a, a)] {
                let got = OrderFields.diff(from: x, to: y)
                #expect(got == Self.reference(from: x, to: y), "order \(i)")
                checked += 1
                if !got.isEmpty { nonEmpty += 1 }
            }
        }
        #expect(checked == 2000 && nonEmpty > 1000)
    }
}
