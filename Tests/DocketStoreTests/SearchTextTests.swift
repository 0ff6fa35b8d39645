import DocketCore
import DocketStore
import Foundation
import Testing

/// The search box takes any text: it is read as words the index knows,
/// never as the index's query syntax.
@Suite struct SearchTextTests {
    func store() throws -> (SQLiteOrderStore, [Order]) {
        let store = try temporaryStore()
        var orders = generated(300)
        orders[7].customer?.name = "Siobhán O'Brien"
        orders[8].customer?.name = "Pat O\u{2019}Brien"
        orders[9].customer?.email = "wim.33@example.com"
        orders[9].billingAddress?.email = "wim.33@example.com"
        orders[9].shippingAddress?.email = "wim.33@example.com"
        _ = try store.importOrders(orders)
        return (store, orders)
    }

    func found(_ store: SQLiteOrderStore, _ text: String) throws -> [String] {
        try store.page(OrderQuery(search: text), after: nil, limit: 1000).map(\.externalId)
    }

    @Test func apostrophesQuotesAndEmailsFindWhatTheySay() throws {
        let (store, orders) = try store()
        let obrien = try found(store, "O'Brien")
        #expect(obrien.contains(orders[7].externalId) && obrien.contains(orders[8].externalId))
        #expect(try found(store, "o\u{2019}brien") == obrien)
        #expect(try found(store, "WIM.33@example.com") == [orders[9].externalId])
        #expect(try found(store, "nobody@example.com").isEmpty)
        #expect(try found(store, "!!! ''").isEmpty)
        #expect(try found(store, "\"ORD-0000012\"") == ["ORD-0000012"])
        #expect(try found(store, "ORD-000001*") .count == 10)
        #expect(SearchText.parse("wim.33@example.com") == .email("wim.33@example.com"))
        #expect(SearchText.parse("O'Brien müller") == .terms(["O", "Brien", "müller"]))
    }

    @Test func anyTextAtAllSearchesWithoutAnError() throws {
        let (store, _) = try store()
        // Every punctuation and symbol character in the BMP, letters of
        // several scripts, marks, spaces, and FTS5's own operators.
        var pool: [Unicode.Scalar] = []
        for v in 0x20...0xFFFD {
            guard let s = Unicode.Scalar(v) else { continue }
            switch s.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                 .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
                 .nonspacingMark, .spacingMark, .enclosingMark, .spaceSeparator, .format:
                pool.append(s)
            default: break
            }
        }
        pool += "abcXYZ019 éøßçñ李王Ωж\u{0301}\"'*^:()+-NEAR AND OR NOT".unicodeScalars
        var g = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 1...12, using: &g) { text.append(pool.randomElement(using: &g)!) }
            let s = String(text)
            #expect(throws: Never.self, "\(s.unicodeScalars.map { String($0.value, radix: 16) })") { _ = try found(store, s) }
        }
    }
}

/// An order of very many distinct SKUs imports in time proportional to its
/// items (docket-bench import-skus measures it); here: all of it arrives
/// and the last SKU is found.
@Suite struct WideOrderTests {
    @Test func anOrderOf300000DistinctSKUsImportsWhole() throws {
        let store = try temporaryStore()
        var order = Order(externalId: "WIDE")
        order.items = (0..<300_000).map { i in
            var item = OrderItem()
            item.sku = "SKU-\(i)"
            item.quantity = 1
            return item
        }
        let summary = try store.importOrders([order])
        #expect(summary.added == 1)
        #expect(try store.order(externalId: "WIDE")?.order.items.count == 300_000)
        #expect(try store.page(OrderQuery(search: "SKU-299999"), after: nil, limit: 5).map(\.externalId) == ["WIDE"])
    }
}
