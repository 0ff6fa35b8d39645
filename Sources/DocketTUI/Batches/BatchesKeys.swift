import DocketCore

/// The batch history's keys.
enum BatchesKeys {
    static let table = KeyTable("Batches", [
        KeyBinding(Key.moves + Key.pages + Key.jumps, "↑↓ j k PgUp PgDn g G", "move", bar: "move") { s, key in
            let page = BatchesView.rows(in: s.body)
            s.batches.move(by: ListState<Int>.step(key, page: page) ?? 0, count: s.visibleBatches.count, visible: page)
            return []
        },
        KeyBinding([.enter], "Enter", "open the batch: every order's outcome, every request", bar: "open",
                   when: { $0.visibleBatches.indices.contains($0.batches.cursor) }) { s, _ in
            Reducer.openBatch(&s, s.visibleBatches[s.batches.cursor].id)
        },
        KeyBinding([.escape], "Esc", "clear the filter", bar: "show all", when: { $0.batchesFilter != nil }) { s, _ in
            _ = Reducer.find(&s, "", final: true)
            return []
        },
        KeyBinding([.escape, .char("q"), .char("o")], "Esc q o", "back to the orders", bar: "orders") { s, _ in
            s.screen = .orders
            return []
        },
    ] + Reducer.common(find: "filter by batch id or target, as you type"))

    static func loaded(_ s: inout AppState, _ list: [BatchSummary]) {
        let before = s.visibleBatches
        let selected = s.selectBatch ?? (before.indices.contains(s.batches.cursor) ? before[s.batches.cursor].id : nil)
        s.batches.items = list
        // Keep the same batch selected while others are added above it; a
        // batch just sent is the one selected.
        let after = s.visibleBatches
        if let selected, let i = after.firstIndex(where: { $0.id == selected }) {
            s.batches.cursor = i
            if selected == s.selectBatch { s.selectBatch = nil }
        }
        s.batches.move(by: 0, count: after.count, visible: BatchesView.rows(in: s.body))
    }
}
