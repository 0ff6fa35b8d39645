import DocketCore

/// The orders table's keys.
enum OrdersKeys {
    static let table = KeyTable("Orders", [
        KeyBinding(Key.moves, "↑↓ j k", "move", bar: "move") { s, key in move(&s, by: key == .down || key == .char("j") ? 1 : -1) },
        KeyBinding([.enter], "Enter", "open the order", bar: "open", when: { $0.orders.selected != nil }) { s, _ in
            guard let row = s.orders.selected else { return [] }
            return Reducer.openOrder(&s, row.externalId, fromBatch: false)
        },
        KeyBinding([.escape], "Esc", "clear the filter or search, then the marks", bar: "show all",
                   when: { $0.orders.query.isFiltered || !$0.orders.marked.isEmpty }) { s, _ in
            if s.orders.query.isFiltered {
                s.message = "Showing every order."
                return Reducer.filter(&s) { $0 = $0.unfiltered }
            }
            s.orders.marked = []
            s.message = "No order is marked now."
            return []
        },
        KeyBinding([.char("e")], "e", "errors: this view's failures grouped by cause", bar: "errors") { s, _ in
            Reducer.openErrors(&s, view: s.orders.query)
        },
        KeyBinding([.char("c")], "c", "compose a batch of this view (or the marked orders)", bar: "compose") { s, _ in
            Reducer.composeFromOrders(&s)
        },
        KeyBinding([.char("m")], "m", "mark or unmark the order (for a batch or a fix)", bar: "mark", when: { $0.orders.selected != nil }) { s, _ in
            guard let row = s.orders.selected else { return [] }
            if s.orders.marked.remove(row.externalId) == nil { s.orders.marked.insert(row.externalId) }
            return move(&s, by: 1)
        },
        KeyBinding([.char("b")], "b", "batches", bar: "batches") { s, _ in Reducer.openBatches(&s) },
        KeyBinding([.char("q")], "q", "quit (on the other screens q goes back)", bar: "quit") { s, _ in
            Reducer.requestQuit(&s)
            return []
        },
        KeyBinding([.char("s"), .char("S")], "s S", "sort by the next column; S reverses", bar: "sort") { s, key in
            if key == .char("s") {
                let all = OrderSort.allCases
                s.orders.query.sort = all[((all.firstIndex(of: s.orders.query.sort) ?? 0) + 1) % all.count]
            } else {
                s.orders.query.descending.toggle()
            }
            s.message = "Sorted by \(s.orders.query.sort.rawValue)\(s.orders.query.descending ? ", largest or newest first" : "")."
            s.orders.loading = true
            return [.loadFirst(s.orders.query)]
        },
        KeyBinding(Key.pages, "PgUp PgDn Space", "a page up or down") { s, key in
            move(&s, by: key == .pageUp ? -s.tableRows : s.tableRows)
        },
        KeyBinding([.home, .char("g")], "g Home", "the first order") { s, _ in
            if s.orders.atStart {
                s.orders.cursor = 0
                s.orders.top = 0
                return []
            }
            s.orders.loading = true
            return [.loadFirst(s.orders.query, knownTotal: s.orders.counting ? nil : s.orders.total)]
        },
        KeyBinding([.end, .char("G")], "G End", "the last order") { s, _ in
            if s.orders.atEnd {
                s.orders.cursor = max(0, s.orders.rows.count - 1)
                Reducer.clampTop(&s)
                return []
            }
            s.orders.loading = true
            return [.loadLast(s.orders.query, knownTotal: s.orders.counting ? nil : s.orders.total)]
        },
    ] + Reducer.common(find: "search the store: external id, customer, SKU or email"))

    static func move(_ s: inout AppState, by delta: Int) -> [Effect] {
        guard !s.orders.rows.isEmpty else { return [] }
        s.orders.cursor = min(max(0, s.orders.cursor + delta), s.orders.rows.count - 1)
        Reducer.clampTop(&s)
        var effects: [Effect] = []
        let page = s.tableRows
        if !s.orders.loading && !s.orders.atEnd && s.orders.cursor >= s.orders.rows.count - page * 2, let last = s.orders.rows.last {
            s.orders.loading = true
            effects.append(.loadAfter(s.orders.query, last.cursor(s.orders.query.sort)))
        } else if !s.orders.loading && !s.orders.atStart && s.orders.cursor < page * 2, let first = s.orders.rows.first {
            s.orders.loading = true
            effects.append(.loadBefore(s.orders.query, first.cursor(s.orders.query.sort)))
        }
        return effects
    }
}
