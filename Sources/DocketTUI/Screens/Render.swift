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
            let x = g.put("/" + input + "▏", x: 0, y: y, role: .input)
            g.put("  Enter \(s.screen == .orders ? "search" : "find") · Esc cancel", x: min(s.width - 1, x), y: y, role: .statusKey)
            return
        }
        if let input = s.commandInput {
            let x = g.put(":" + input + "▏", x: 0, y: y, role: .input)
            g.put("  Enter run · Esc cancel · :help lists commands", x: min(s.width - 1, x), y: y, role: .statusKey)
            return
        }
        if s.screen == .order, let view = s.orderView, view.input != nil, let row = view.selectedRow {
            let x = g.put("Editing \(row.path)", x: 0, y: y, role: .statusBar)
            g.put("  Enter keep · Esc cancel · Ctrl-U clear", x: min(s.width - 1, x), y: y, role: .statusKey)
            return
        }
        if s.confirmSend, let plan = s.plan {
            let vendor = plan.dialect.displayName
            g.put("Send \(Plural.orders(plan.sendable)) to \(plan.target) (\(vendor))? y sends · any other key cancels", x: 0, y: y, role: .input)
            return
        }
        if let message = s.message {
            g.put(message, x: 0, y: y, role: .error)
            return
        }
        // Whole entries only: a narrow bar drops the last ones.
        var x = 0
        for (key, label) in keys(for: s) {
            guard x + DisplayWidth.of(key + " " + label) <= s.width else { break }
            x += g.put(key, x: x, y: y, role: .statusKey)
            x += g.put(" \(label)", x: x, y: y, role: .statusBar) + 2
        }
    }

    /// The keys that work on the current screen, for the status bar and help.
    public static func keys(for s: AppState) -> [(String, String)] {
        switch s.screen {
        case .orders:
            // Most used first: a narrow status bar cuts from the end.
            var keys = [("↑↓", "move"), ("Enter", "open"), ("/", "search")]
            let q = s.orders.query
            if q.isFiltered || !s.orders.marked.isEmpty { keys.append(("Esc", "show all")) }
            return keys + [("c", "compose"), ("m", "mark"), ("b", "batches"), (":", "command"), ("?", "help"), ("q", "quit"),
                           ("s/S", "sort/reverse"), ("g/G", "first/last"), ("PgUp/PgDn", "page")]
        case .order:
            guard let view = s.orderView, view.editable else {
                return [("↑↓", "move"), ("t", "check against"), ("/", "find field"), ("Esc", "back"), ("?", "help")]
            }
            var keys = [("↑↓", "move"), ("Enter", "edit"), ("t", "check against")]
            if !view.edit.isEmpty { keys += [("s", "save"), ("x", "undo field")] }
            if view.theirs != nil { keys.append(("u", "update to theirs")) }
            return keys + [("/", "find field"), ("Esc", "back"), ("?", "help")]
        case .batches:
            return [("↑↓", "move"), ("Enter", "open"), ("/", "filter"), ("Esc", "orders"), ("?", "help")]
        case .batch:
            return [("↑↓", "move"), ("Enter", s.batchTab == .outcomes ? "order" : "bodies"),
                    ("Tab", s.batchTab == .outcomes ? "requests" : "outcomes"), ("R", "retry what failed"), ("L", "look up unknown"), ("/", "filter"), ("Esc", "batches"), ("?", "help")]
        case .exchange:
            return [("↑↓", "scroll"), ("PgUp/PgDn", "page"), ("/", "find"), ("Esc", "back"), ("?", "help")]
        case .compose:
            return [("←→", "target"), ("s", "send"), ("↑↓", "scroll"), ("[ ]", "requests"), ("/", "find"), ("Esc", "back"), ("?", "help")]
        }
    }
}

enum OrdersScreen {
    static let table = Table([("EXTERNAL ID", 22), ("STATUS", 11), ("ORDER DATE", 21), ("CUSTOMER", 24), ("ITEMS", 6), ("TOTAL", 14), ("OUTCOME", 22)])

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
        if let search = s.orders.query.search { title += "  search: \(SearchText.parse(search).description)" }
        let q = s.orders.query
        if !q.statuses.isEmpty { title += "  status: " + q.statuses.map(\.rawValue).joined(separator: ",") }
        if !q.outcomes.isEmpty { title += "  outcome: " + q.outcomes.joined(separator: ",") }
        if let t = q.target { title += "  target: \(t)" }
        if q.changed { title += "  changed since sent" }
        if q.sort != .externalId || q.descending { title += "  sort: \(q.sort.rawValue)\(q.descending ? " desc" : "")" }
        if !s.orders.marked.isEmpty { title += "  \(s.orders.marked.count) marked" }
        if s.orders.loading { title += "  loading…" }
        g.fill(y: 0, role: .title)
        g.put(title, x: 0, y: 0, role: .title)
        table.header(y: 1, into: &g)
        if s.orders.rows.isEmpty && !s.orders.loading {
            g.put(!q.isFiltered ? "No orders yet: docket import FILE adds some."
                  : "No orders match: Esc shows every order again.",
                  x: 1, y: 3, role: .dim)
            return
        }
        for (i, index) in Table.visible(top: s.orders.top, count: s.orders.rows.count, lines: s.tableRows) {
            let o = s.orders.rows[index]
            let total = o.total.isEmpty ? "" : (o.currency.isEmpty ? o.total : "\(o.total) \(o.currency)")
            let marked = s.orders.marked.contains(o.externalId)
            table.row([(marked ? "+" : "") + o.externalId, o.status.rawValue, o.orderDate, o.customer, String(o.itemCount), total, o.outcomeText(listingTarget: s.orders.query.target)],
                      y: 2 + i, selected: index == s.orders.cursor, into: &g) { $0 == 6 ? outcomeRole(o.lastOutcome) : (marked ? .marked : .normal) }
        }
    }
}

/// The keys of the screen (two to a line where they fit), and on the
/// Orders screen the `:` commands too.
enum HelpOverlay {
    static func draw(_ s: AppState, into g: inout Grid) {
        let keys: [(String, String)] = Render.keys(for: s) + [("j/k", "down/up"), ("Ctrl-C", "quit, from anywhere")]
            + (Render.keys(for: s).contains { $0.0 == ":" } ? [] : [(":", "command line")])
        let commands = s.screen == .orders ? Reducer.commands : []
        let width = min(s.width - 4, 76)
        let columns = width >= 60 ? 2 : 1
        let keyLines = (keys.count + columns - 1) / columns
        let lines = keyLines + (commands.isEmpty ? 0 : commands.count + 1)
        let height = min(s.height - 2, lines + 3)
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
        g.put(" Keys: \(name)   (any key closes)", x: x0, y: y0, role: .help, maxWidth: width)
        let last = y0 + height - 1
        let columnWidth = (width - 1) / columns
        for (i, (key, label)) in keys.enumerated() {
            let y = y0 + 2 + i / columns, x = x0 + 1 + (i % columns) * columnWidth
            guard y < last || (y == last && commands.isEmpty) else { break }
            g.put(key, x: x, y: y, role: .statusKey, maxWidth: 11)
            g.put(label, x: x + 12, y: y, role: .help, maxWidth: columnWidth - 13)
        }
        for (i, (command, label)) in commands.enumerated() {
            let y = y0 + 3 + keyLines + i
            guard y <= last else { break }
            g.put(command, x: x0 + 1, y: y, role: .statusKey, maxWidth: 26)
            g.put(label, x: x0 + 28, y: y, role: .help, maxWidth: width - 29)
        }
    }
}
