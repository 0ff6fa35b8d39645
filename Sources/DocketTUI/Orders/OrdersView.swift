import DocketCore

/// The orders table. Narrow terminals keep EXTERNAL ID, STATUS and OUTCOME
/// (with its target), then CUSTOMER and TOTAL, then the dates.
enum OrdersView {
    static let columns: [Table.Column] = [
        Table.column("EXTERNAL ID", 19), Table.column("STATUS", 11), Table.column("ORDER DATE", 21, priority: 3),
        Table.column("CUSTOMER", 12, priority: 1, flexible: true), Table.column("ITEMS", 6, priority: 4),
        Table.column("TOTAL", 14, priority: 2), Table.column("OUTCOME", 22),
    ]

    /// Table rows that fit in `area`: less the title and the header.
    static func rows(in area: Rect) -> Int { max(1, area.height - 2) }

    static func outcomeRole(_ outcome: String?) -> Role {
        switch outcome {
        case "accepted", "exists": .outcomeAccepted
        case "rejected", "not_saved", "unknown", "skipped": .outcomeRejected
        case nil: .dim
        default: .outcomeOther
        }
    }

    static func title(_ s: AppState) -> String {
        var title = "Docket · Orders  " + (s.orders.counting ? "counting…" : Plural.orders(s.orders.total))
        let q = s.orders.query
        if let group = s.orders.group { title += "  group: \(group)" } else if !q.ids.isEmpty { title += "  \(q.ids.count) chosen" }
        if let search = q.search { title += "  search: \(SearchText.parse(search).description)" }
        if !q.statuses.isEmpty { title += "  status: " + q.statuses.map(\.rawValue).joined(separator: ",") }
        if !q.outcomes.isEmpty {
            title += "  outcome: " + (Set(q.outcomes) == Set(RefusalGrouping.failedNames) ? "failed" : q.outcomes.joined(separator: ","))
        }
        if let t = q.target { title += "  target: \(t)" }
        if q.changed { title += "  changed since sent" }
        if q.sort != .externalId || q.descending { title += "  sort: \(q.sort.rawValue)\(q.descending ? " desc" : "")" }
        if !s.orders.marked.isEmpty { title += "  \(s.orders.marked.count) marked" }
        if s.orders.loading { title += "  loading…" }
        return title
    }

    static func draw(_ s: AppState, into g: inout Grid, area: Rect) {
        g.fill(y: area.y, role: .title)
        g.put(title(s), x: area.x, y: area.y, role: .title, maxWidth: area.width)
        let table = Table(columns, width: area.width)
        table.header(y: area.y + 1, x: area.x, into: &g)
        let q = s.orders.query
        if s.orders.rows.isEmpty && !s.orders.loading {
            g.put(!q.isFiltered ? "No orders yet: docket import FILE adds some."
                  : "No orders match: Esc shows every order again.",
                  x: area.x + 1, y: area.y + 3, role: .dim, maxWidth: area.width - 1)
            return
        }
        for (i, index) in Table.visible(top: s.orders.top, count: s.orders.rows.count, lines: rows(in: area)) {
            let o = s.orders.rows[index]
            let total = o.total.isEmpty ? "" : (o.currency.isEmpty ? o.total : "\(o.total) \(o.currency)")
            let marked = s.orders.marked.contains(o.externalId)
            table.row([(marked ? "+" : "") + o.externalId, o.status.rawValue, o.orderDate, o.customer, String(o.itemCount), total,
                       o.outcomeText(listingTarget: q.target)],
                      y: area.y + 2 + i, x: area.x, selected: index == s.orders.cursor, into: &g) {
                $0 == 6 ? outcomeRole(o.lastOutcome) : (marked ? .marked : .normal)
            }
        }
    }
}
