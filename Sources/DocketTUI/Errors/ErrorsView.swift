import DocketCore

/// Failures grouped by cause, the largest problems at a glance.
enum ErrorsView {
    static let columns: [Table.Column] = [
        Table.column("ORDERS", 8), Table.column("TARGET", 11, priority: 2), Table.column("CODE", 18, priority: 3),
        Table.column("FIELD", 22, priority: 1), Table.column("MESSAGE", 30, flexible: true), Table.column("NEWEST", 21, priority: 4),
    ]

    static func rows(in area: Rect) -> Int { max(1, area.height - 2) }

    static func draw(_ s: AppState, into g: inout Grid, area: Rect) {
        let e = s.errors
        g.fill(y: area.y, role: .title)
        let source: String = switch e.source {
        case .batch(let id): "batch \(id)"
        case .view(let q): q.isFiltered ? "this view" : "every order"
        }
        let orders = Set(e.groups.flatMap(\.orders)).count
        var title = "Docket · Errors of \(source)  \(Plural.of(e.groups.count, "group")), \(Plural.orders(orders))"
        if let f = e.filter { title += "  filter: \(f) (\(e.visible.count))" }
        if !e.marked.isEmpty { title += "  \(e.marked.count) marked (\(Plural.orders(e.fixOrders.count)))" }
        if e.loading { title += "  loading…" }
        g.put(title, x: area.x, y: area.y, role: .title, maxWidth: area.width)
        let table = Table(columns, width: area.width)
        table.header(y: area.y + 1, x: area.x, into: &g)
        let list = e.visible
        if list.isEmpty && !e.loading {
            g.put(e.groups.isEmpty ? "Nothing failed here: no order's latest outcome is rejected, not_saved, unknown or skipped."
                  : "No group matches the filter: Esc shows them all.", x: area.x + 1, y: area.y + 3, role: .dim, maxWidth: area.width - 1)
            return
        }
        for (i, index) in Table.visible(top: e.list.top, count: list.count, lines: rows(in: area)) {
            let group = list[index]
            let marked = e.marked.contains(group.id)
            table.row([(marked ? "+" : "") + String(group.count), group.target, group.code, group.field, group.pattern, group.newest],
                      y: area.y + 2 + i, x: area.x, selected: index == e.list.cursor, into: &g) {
                $0 == 0 ? (marked ? .marked : .outcomeRejected) : (marked ? .marked : .normal)
            }
        }
    }
}
