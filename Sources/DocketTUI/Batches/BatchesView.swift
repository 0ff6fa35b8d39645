import DocketCore

func countsText(_ counts: [Outcome: Int]) -> String {
    Outcome.allCases.compactMap { o in counts[o].map { "\($0) \(o.rawValue)" } }.joined(separator: ", ")
}

func outcomeRole(_ o: Outcome) -> Role {
    switch o {
    case .accepted, .exists: .outcomeAccepted
    case .pending: .outcomeOther
    default: .outcomeRejected
    }
}

/// History of batches, newest first; reloaded while shown, so batches other
/// docket processes send appear as they start.
enum BatchesView {
    static let columns: [Table.Column] = [
        Table.column("BATCH", 25), Table.column("TARGET", 11, priority: 1), Table.column("CREATED", 21, priority: 3),
        Table.column("ORDERS", 8, priority: 2), Table.column("OUTCOMES", 30, flexible: true),
    ]

    static func rows(in area: Rect) -> Int { max(1, area.height - 2) }

    static func draw(_ s: AppState, into g: inout Grid, area: Rect) {
        g.fill(y: area.y, role: .title)
        let list = s.visibleBatches
        g.put("Docket · Batches  \(s.batches.items.count)" + (s.batchesFilter.map { "  filter: \($0) (\(list.count))" } ?? ""),
              x: area.x, y: area.y, role: .title, maxWidth: area.width)
        let table = Table(columns, width: area.width)
        table.header(y: area.y + 1, x: area.x, into: &g)
        if list.isEmpty {
            g.put(s.batches.items.isEmpty ? "No batches yet: c on the Orders screen composes one, or docket submit --target T."
                  : "No batch matches the filter: Esc shows them all.", x: area.x + 1, y: area.y + 3, role: .dim, maxWidth: area.width - 1)
            return
        }
        for (i, index) in Table.visible(top: s.batches.top, count: list.count, lines: rows(in: area)) {
            let b = list[index]
            let cells = [b.id, b.target, b.createdAt, String(b.orderCount), countsText(b.counts) + (b.finishedAt == nil ? " (sending)" : "")]
            table.row(cells, y: area.y + 2 + i, x: area.x, selected: index == s.batches.cursor, into: &g)
        }
    }
}
