import DocketCore

/// Draws the state into a grid: the view of model/update/view. Each screen
/// draws into the area above the status bar.
public enum Render {
    public static func draw(_ s: AppState) -> Grid {
        var g = Grid(width: s.width, height: s.height)
        if s.tooSmall {
            let lines = ["Terminal too small", "(\(s.width)×\(s.height));", "make it 40×8 or more."]
            for (i, line) in lines.enumerated() where i < s.height { g.put(line, x: 0, y: i, role: .error) }
            return g
        }
        let area = s.body
        switch s.screen {
        case .orders: OrdersView.draw(s, into: &g, area: area)
        case .order: OrderScreen.draw(s, into: &g, area: area)
        case .batches: BatchesView.draw(s, into: &g, area: area)
        case .batch: BatchView.draw(s, into: &g, area: area)
        case .pager: PagerView.draw(s, into: &g, area: area)
        case .compose: ComposeView.draw(s, into: &g, area: area)
        case .errors: ErrorsView.draw(s, into: &g, area: area)
        case .fix: FixView.draw(s, into: &g, area: area)
        }
        if s.readOnly {
            // Said on every screen, at the title's end.
            let note = " read-only "
            g.put(note, x: max(0, s.width - DisplayWidth.of(note)), y: 0, role: .error)
        }
        statusBar(s, into: &g, y: s.height - 1)
        if s.showHelp { HelpView.draw(s, into: &g, area: area) }
        return g
    }

    static func statusBar(_ s: AppState, into g: inout Grid, y: Int) {
        g.fill(y: y, role: .statusBar)
        var x = 0
        if let prompt = s.prompt {
            x = g.put((prompt.kind == .search ? "/" : ":") + prompt.text + "▏", x: 0, y: y, role: .input)
            if prompt.text.isEmpty, let suggestion = prompt.suggestion {
                x += g.put(suggestion, x: x, y: y, role: .dim)
            }
            x += 2
        } else if s.screen == .order, let view = s.orderView, view.input != nil, let row = view.selectedRow {
            x = g.put("Editing \(row.path)", x: 0, y: y, role: .statusBar) + 2
        } else if s.confirmSend, let plan = s.plan {
            let vendor = plan.dialect.displayName
            g.put("Send \(Plural.orders(plan.sendable)) to \(plan.target) (\(vendor))? y sends · any other key cancels", x: 0, y: y, role: .input)
            return
        } else if let message = s.message {
            g.put(message, x: 0, y: y, role: .error)
            return
        }
        // Whole entries only: a narrow bar drops the last ones, but always
        // keeps room for the way to the rest (? help).
        let all = keys(for: s)
        let help = all.first { $0.0 == "?" }
        let room = s.width - (help.map { DisplayWidth.of($0.0 + " " + $0.1) } ?? 0)
        for (key, label) in all where key != "?" {
            guard x + DisplayWidth.of(key + " " + label) <= room else { break }
            x += g.put(key, x: x, y: y, role: .statusKey)
            x += g.put(" \(label)", x: x, y: y, role: .statusBar) + 2
        }
        if let help, x + DisplayWidth.of(help.0 + " " + help.1) <= s.width {
            x += g.put(help.0, x: x, y: y, role: .statusKey)
            g.put(" \(help.1)", x: x, y: y, role: .statusBar)
        }
    }

    /// The status bar's keys: the table in force, those that work now and
    /// have a word for the bar, in the table's order.
    public static func keys(for s: AppState) -> [(String, String)] {
        var taken: [Key] = []
        var out: [(String, String)] = []
        for b in Reducer.table(for: s).enabled(in: s) {
            defer { taken += b.keys }
            guard let word = b.bar, let first = b.keys.first else { continue }
            if !taken.contains(first) {
                out.append((String(b.label.split(separator: " ").first ?? ""), word))
            } else if let free = b.keys.first(where: { !taken.contains($0) }) {
                // Its first key does something else now (Esc clears a
                // filter first): the bar names the key that does this.
                out.append((free.name, word))
            }
        }
        return out
    }
}
