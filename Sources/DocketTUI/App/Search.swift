import DocketCore

/// `/` on every screen: the orders table searches the store (external id,
/// customer, SKU); the batch lists filter what they hold; the order screen
/// finds a field; the request and compose screens find a line.
extension Reducer {
    static func currentSearch(_ s: AppState) -> String {
        switch s.screen {
        case .orders: s.orders.query.search ?? ""
        case .batches: s.batchesFilter ?? ""
        case .batch: s.batchFilter ?? ""
        default: ""
        }
    }

    static func trimmed(_ text: String) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// Text a line editor takes: printable characters, not too many.
    static func typed(_ key: Key, into text: inout String, limit: Int = 200) -> Bool {
        switch key {
        case .backspace:
            if !text.isEmpty { text.removeLast() }
        case .char("\u{15}"):
            text = ""
        case .char(let c) where !c.isNewline && c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }):
            if text.count < limit { text.append(c) }
        default:
            return false
        }
        return true
    }

    static func search(_ s: inout AppState, _ key: Key) -> [Effect] {
        switch key {
        case .escape:
            s.searchInput = nil
        case .enter:
            let text = trimmed(s.searchInput ?? "")
            s.searchInput = nil
            return find(&s, text)
        default:
            var text = s.searchInput ?? ""
            if typed(key, into: &text) { s.searchInput = text }
        }
        return []
    }

    static func find(_ s: inout AppState, _ text: String) -> [Effect] {
        let needle = text.lowercased()
        switch s.screen {
        case .orders:
            s.orders.previousQuery = s.orders.query
            s.orders.query.search = text.isEmpty ? nil : text
            s.orders.loading = true
            return [.loadFirst(s.orders.query)]
        case .batches:
            s.batchesFilter = text.isEmpty ? nil : text
            s.batches = ListState(items: s.batches.items)
            if s.visibleBatches.isEmpty { s.message = "No batch has \"\(text)\" in its id or target." }
        case .batch:
            s.batchFilter = text.isEmpty ? nil : text
            s.batchTab = .outcomes
            s.batchList = ListState()
            if s.visibleOutcomes.isEmpty { s.message = "No order of this batch matches \"\(text)\"." }
        case .order:
            guard var view = s.orderView, !needle.isEmpty else { return [] }
            let rows = view.rows
            // From the line after the cursor, so repeating the search walks on.
            let order = Array(rows.indices.dropFirst(view.list.cursor + 1)) + Array(rows.indices.prefix(view.list.cursor + 1))
            if let i = order.first(where: { rows[$0].path.lowercased().contains(needle) || rows[$0].value.lowercased().contains(needle) }) {
                view.list.move(by: i - view.list.cursor, count: rows.count, visible: orderRowsVisible(s))
                s.orderView = view
            } else {
                s.message = "No field of this order has \"\(text)\"."
            }
        case .exchange:
            if let i = ExchangeScreen.lines(s).firstIndex(where: { $0.0.lowercased().contains(needle) }), !needle.isEmpty {
                s.exchangeScroll = i
            } else if !needle.isEmpty {
                s.message = "\"\(text)\" is not in this request or its response."
            }
        case .compose:
            if !needle.isEmpty, let i = ComposeScreen.find(needle, in: s) {
                s.planScroll = i
            } else if !needle.isEmpty {
                s.message = "\"\(text)\" is not on this screen."
            }
        }
        return []
    }
}

extension ListState {
    init(items: [Element]) {
        self.init()
        self.items = items
    }
}
