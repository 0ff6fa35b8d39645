import DocketCore

/// One batch: every order's outcome with its first error, or its requests.
enum BatchView {
    static let outcomeColumns: [Table.Column] = [
        Table.column("EXTERNAL ID", 20), Table.column("OUTCOME", 11), Table.column("FIELD", 24, priority: 1),
        Table.column("WHAT THE TARGET OR DOCKET SAID", 20, flexible: true),
    ]
    static let requestColumns: [Table.Column] = [
        Table.column("#", 6), Table.column("TRY", 5, priority: 2), Table.column("ANSWER", 11), Table.column("MS", 8, priority: 1),
        Table.column("ORDERS", 8), Table.column("URL", 20, flexible: true),
    ]

    /// List rows that fit: less the title, the counts and the header.
    static func rows(in area: Rect) -> Int { max(1, area.height - 3) }

    static func draw(_ s: AppState, into g: inout Grid, area: Rect) {
        g.fill(y: area.y, role: .title)
        guard let report = s.batch else {
            g.put("Docket · Batch  loading…", x: area.x, y: area.y, role: .title)
            return
        }
        let b = report.summary
        g.put("Docket · Batch \(b.id) to \(b.target) (\(b.dialect.displayName))", x: area.x, y: area.y, role: .title, maxWidth: area.width)
        var x = area.x
        let y = area.y + 1
        if b.finishedAt == nil {
            // While it goes out: how much has a definite answer.
            let settled = b.orderCount - (b.counts[.pending] ?? 0)
            let fraction = b.orderCount == 0 ? 0 : Double(settled) / Double(b.orderCount)
            let filled = Int(fraction * 20)
            x += g.put("[" + String(repeating: "█", count: filled) + String(repeating: "░", count: 20 - filled) + "] ", x: x, y: y, role: .outcomeAccepted)
            x += g.put("\(Int(fraction * 100))% · ", x: x, y: y, role: .dim)
            // Sent from this console: how fast the target lets it go.
            if let pace = s.paces[b.id] { x += g.put("\(pace.text) · ", x: x, y: y, role: .dim) }
        }
        let state = b.finishedAt.map { "  finished \($0)" } ?? "  sending; it fills in as answers arrive"
        g.put("\(Plural.orders(b.orderCount)): \(countsText(b.counts))\(state)"
              + (s.batchFilter.map { "  filter: \($0) (\(s.visibleOutcomes.count))" } ?? ""), x: x, y: y, role: .dim, maxWidth: area.width - x)
        let visible = rows(in: area)
        if s.batchTab == .outcomes {
            let table = Table(outcomeColumns, width: area.width)
            table.header(y: area.y + 2, x: area.x, into: &g)
            let outcomes = s.visibleOutcomes
            for (i, index) in Table.visible(top: s.batchList.top, count: outcomes.count, lines: visible) {
                let o = outcomes[index]
                let error = o.errors.first
                let cells = [o.externalId, o.outcome.rawValue, error?.field ?? "",
                             error.map { "\($0.message)\(o.errors.count > 1 ? " (+\(o.errors.count - 1) more)" : "")" } ?? ""]
                table.row(cells, y: area.y + 3 + i, x: area.x, selected: index == s.batchList.cursor, into: &g) { $0 == 1 ? outcomeRole(o.outcome) : .normal }
            }
        } else {
            let table = Table(requestColumns, width: area.width)
            table.header(y: area.y + 2, x: area.x, into: &g)
            for (i, index) in Table.visible(top: s.batchList.top, count: s.batchRequests.count, lines: visible) {
                let r = s.batchRequests[index]
                let answer = r.status.map { "HTTP \($0)" } ?? "no answer"
                let cells = [String(r.sequence), String(r.attempt), answer, String(r.milliseconds), String(r.orderIds.count), "\(r.method) \(r.url)"]
                table.row(cells, y: area.y + 3 + i, x: area.x, selected: index == s.batchList.cursor, into: &g)
            }
        }
    }
}
