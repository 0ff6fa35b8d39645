import DocketCore

/// `/` on every screen: the orders table searches the store (external id,
/// customer, SKU, email) on Enter; the lists (batches, a batch's outcomes,
/// error groups) filter as each key is typed; the order screen finds a
/// field; the pager and Compose find a line.
extension Reducer {
    /// `final`: Enter was pressed (a list's filter stays; the store is
    /// searched).
    @discardableResult
    static func find(_ s: inout AppState, _ text: String, final: Bool) -> [Effect] {
        let needle = text.lowercased()
        let value = text.isEmpty ? nil : text
        switch s.screen {
        case .orders:
            guard final else { return [] }
            s.orders.previousQuery = s.orders.query
            s.orders.query.search = value
            s.orders.loading = true
            return [.loadFirst(s.orders.query)]
        case .batches:
            s.batchesFilter = value
            s.batches = ListState(items: s.batches.items)
            if final, value != nil, s.visibleBatches.isEmpty { s.message = "No batch has \"\(text)\" in its id or target." }
        case .batch:
            s.batchFilter = value
            s.batchTab = .outcomes
            s.batchList = ListState()
            if final, value != nil, s.visibleOutcomes.isEmpty { s.message = "No order of this batch matches \"\(text)\"." }
        case .errors:
            s.errors.filter = value
            s.errors.list = ListState()
            if final, value != nil, s.errors.visible.isEmpty { s.message = "No group has \"\(text)\"." }
        case .order:
            guard final, var view = s.orderView, !needle.isEmpty else { return [] }
            let rows = view.rows
            // From the line after the cursor, so repeating the search walks on.
            let order = Array(rows.indices.dropFirst(view.list.cursor + 1)) + Array(rows.indices.prefix(view.list.cursor + 1))
            if let i = order.first(where: { rows[$0].path.lowercased().contains(needle) || rows[$0].value.lowercased().contains(needle) }) {
                view.list.move(by: i - view.list.cursor, count: rows.count, visible: orderRowsVisible(s))
                s.orderView = view
            } else {
                s.message = "No field of this order has \"\(text)\"."
            }
        case .pager:
            guard final, !needle.isEmpty else { return [] }
            s.pager.needle = text
            if let i = s.pager.find(needle, from: s.pager.scroll - 1) {
                PagerKeys.scroll(&s, to: i)
            } else {
                s.message = "\"\(text)\" is not here."
            }
        case .compose:
            guard final, !needle.isEmpty else { return [] }
            if let i = ComposeView.find(needle, in: s) {
                ComposeKeys.scroll(&s, to: i)
            } else {
                s.message = "\"\(text)\" is not on this screen."
            }
        case .fix:
            break
        }
        return []
    }
}
