import DocketCore

/// Draws the state into a grid: the view of model/update/view.
public enum Render {
    public static func draw(_ s: AppState) -> Grid {
        var g = Grid(width: s.width, height: s.height)
        if s.tooSmall {
            let lines = ["Terminal too small", "(\(s.width)×\(s.height));", "make it 40×8 or more."]
            for (i, line) in lines.enumerated() where i < s.height { g.put(line, x: 0, y: i, role: .error) }
            return g
        }
        switch s.screen {
        case .orders: OrdersScreen.draw(s, into: &g)
        case .order: OrderScreen.draw(s, into: &g)
        case .batches: BatchesScreen.draw(s, into: &g)
        case .batch: BatchScreen.draw(s, into: &g)
        case .exchange: ExchangeScreen.draw(s, into: &g)
        case .compose: ComposeScreen.draw(s, into: &g)
        }
        statusBar(s, into: &g)
        if s.showHelp { HelpOverlay.draw(s, into: &g) }
        return g
    }

    static func statusBar(_ s: AppState, into g: inout Grid) {
        let y = s.height - 1
        g.fill(y: y, role: .statusBar)
        if let input = s.searchInput {
            g.put("/" + input, x: 0, y: y, role: .statusBar)
            g.put("  Enter search · Esc cancel", x: min(s.width - 1, DisplayWidth.of(input) + 1), y: y, role: .statusKey)
            return
        }
        if let message = s.message {
            g.put(message, x: 0, y: y, role: .error)
            return
        }
        var x = 0
        for (key, label) in keys(for: s) {
            x += g.put(key, x: x, y: y, role: .statusKey)
            x += g.put(" \(label)  ", x: x, y: y, role: .statusBar)
            if x >= s.width { break }
        }
    }

    /// The keys that work on the current screen, for the status bar and help.
    public static func keys(for s: AppState) -> [(String, String)] {
        switch s.screen {
        case .orders:
            // Most used first: a narrow status bar cuts from the end.
            var keys = [("↑↓", "move"), ("Enter", "open"), ("/", "search")]
            if s.orders.query.search != nil { keys.append(("Esc", "clear")) }
            return keys + [("c", "compose"), ("b", "batches"), ("?", "help"), ("q", "quit"), ("g/G", "first/last"), ("PgUp/PgDn", "page")]
        case .order:
            return [("↑↓", "scroll"), ("PgUp/PgDn", "page"), ("Esc", "back"), ("?", "help")]
        case .batches:
            return [("↑↓", "move"), ("Enter", "open"), ("Esc", "orders"), ("?", "help")]
        case .batch:
            return [("↑↓", "move"), ("Enter", s.batchTab == .outcomes ? "order" : "bodies"),
                    ("Tab", s.batchTab == .outcomes ? "requests" : "outcomes"), ("R", "retry what failed"), ("Esc", "batches"), ("?", "help")]
        case .exchange:
            return [("↑↓", "scroll"), ("PgUp/PgDn", "page"), ("Esc", "back"), ("?", "help")]
        case .compose:
            return [("←→", "target"), ("s", "send"), ("↑↓", "scroll"), ("Esc", "back"), ("?", "help")]
        }
    }
}

enum OrdersScreen {
    static let table = Table([("EXTERNAL ID", 22), ("STATUS", 11), ("ORDER DATE", 21), ("CUSTOMER", 24), ("ITEMS", 6), ("TOTAL", 14), ("OUTCOME", 10)])

    static func outcomeRole(_ outcome: String?) -> Role {
        switch outcome {
        case "accepted", "exists": .outcomeAccepted
        case "rejected", "not_saved", "unknown", "skipped": .outcomeRejected
        case nil: .dim
        default: .outcomeOther
        }
    }

    static func draw(_ s: AppState, into g: inout Grid) {
        var title = "Docket · Orders  \(s.orders.total) order\(s.orders.total == 1 ? "" : "s")"
        if let search = s.orders.query.search { title += "  search: \(search)" }
        if s.orders.loading { title += "  loading…" }
        g.fill(y: 0, role: .title)
        g.put(title, x: 0, y: 0, role: .title)
        table.header(y: 1, into: &g)
        if s.orders.rows.isEmpty && !s.orders.loading {
            g.put(s.orders.query.search == nil ? "No orders yet: docket import FILE adds some." : "No orders match this search.",
                  x: 1, y: 3, role: .dim)
            return
        }
        for (i, index) in Table.visible(top: s.orders.top, count: s.orders.rows.count, lines: s.tableRows) {
            let o = s.orders.rows[index]
            let total = o.total.isEmpty ? "" : (o.currency.isEmpty ? o.total : "\(o.total) \(o.currency)")
            table.row([o.externalId, o.status.rawValue, o.orderDate, o.customer, String(o.itemCount), total, o.lastOutcome ?? "—"],
                      y: 2 + i, selected: index == s.orders.cursor, into: &g) { $0 == 6 ? outcomeRole(o.lastOutcome) : .normal }
        }
    }
}

enum OrderScreen {
    static func draw(_ s: AppState, into g: inout Grid) {
        g.fill(y: 0, role: .title)
        guard let stored = s.order else {
            g.put("Docket · Order  loading…", x: 0, y: 0, role: .title)
            return
        }
        let o = stored.order
        g.put("Docket · Order \(o.externalId)  \(o.status.rawValue)  version \(stored.version)", x: 0, y: 0, role: .title)
        let note = o.status.isEditable ? "Last outcome: \(stored.lastOutcome ?? "never sent")\(stored.lastTarget.map { " at \($0)" } ?? "")"
            : "Read-only: only OPEN orders can be edited (this one is \(o.status.rawValue))."
        g.put(note, x: 0, y: 1, role: o.status.isEditable ? .dim : .error)
        // The order's own fields, then its items, then addresses and the rest:
        // what support staff look at first comes first.
        let all = OrderFields.flatten(o).filter { !["externalId", "status"].contains($0.path) }
        let plain = all.filter { !$0.path.contains(".") && !$0.path.contains("[") }
        let items = all.filter { $0.path.hasPrefix("items[") }
        let fields = plain + items + all.filter { ($0.path.contains(".") || $0.path.contains("[")) && !$0.path.hasPrefix("items[") }
        let visible = s.height - 3
        let start = min(s.orderScroll, max(0, fields.count - visible))
        let labelWidth = min(40, max(12, s.width / 3))
        for (i, f) in fields.dropFirst(start).prefix(visible).enumerated() {
            let y = 2 + i
            g.put(f.path, x: 0, y: y, role: .header, maxWidth: labelWidth - 1)
            g.put(f.value.isEmpty ? "\"\"" : f.value, x: labelWidth, y: y, role: .normal)
        }
    }
}

enum HelpOverlay {
    static func draw(_ s: AppState, into g: inout Grid) {
        let keys = Render.keys(for: s) + [("j/k", "down/up"), ("Ctrl-C", "quit at once")]
        let width = min(s.width - 4, 44)
        let height = min(s.height - 2, keys.count + 3)
        let x0 = (s.width - width) / 2, y0 = max(1, (s.height - height) / 2)
        for y in y0..<(y0 + height) { g.fill(y: y, from: x0, width: width, role: .help) }
        let name = switch s.screen {
        case .orders: "Orders"
        case .order: "Order"
        case .batches: "Batches"
        case .batch: "Batch"
        case .exchange: "Request and response"
        case .compose: "Compose"
        }
        g.put(" Keys: \(name)", x: x0, y: y0, role: .help)
        for (i, (key, label)) in keys.enumerated() where y0 + 2 + i < y0 + height {
            g.put(" " + key, x: x0, y: y0 + 2 + i, role: .statusKey, maxWidth: 12)
            g.put(label, x: x0 + 13, y: y0 + 2 + i, role: .help, maxWidth: width - 14)
        }
    }
}
