/// A table of columns and rows with one selected row: the shape every list
/// screen (orders, batches, a batch's outcomes and requests, errors) draws.
///
/// Columns have priorities: a narrow area drops the least important ones
/// whole (never a cut header), and one flexible column takes the room
/// left, so what matters most is always on screen.
struct Table {
    struct Column {
        var title: String
        var width: Int
        /// 0 is kept always; higher numbers go first when room is short.
        var priority: Int
        /// Takes the room the others leave (at least `width`).
        var flexible: Bool
    }

    /// The columns that fit, with their widths, in display order; and for
    /// each, its index among all the columns defined.
    let shown: [(index: Int, column: Column)]

    init(_ columns: [Column], width: Int) {
        var keep = Array(columns.indices)
        func total(_ ids: [Int]) -> Int { ids.reduce(0) { $0 + columns[$1].width } }
        while total(keep) > width, let drop = keep.filter({ columns[$0].priority > 0 }).max(by: {
            (columns[$0].priority, $0) < (columns[$1].priority, $1)
        }) {
            keep.removeAll { $0 == drop }
        }
        var shown = keep.map { (index: $0, column: columns[$0]) }
        if let flex = shown.firstIndex(where: { $0.column.flexible }) {
            shown[flex].column.width += max(0, width - total(keep))
        }
        self.shown = shown
    }

    static func column(_ title: String, _ width: Int, priority: Int = 0, flexible: Bool = false) -> Column {
        Column(title: title, width: width, priority: priority, flexible: flexible)
    }

    func header(y: Int, x x0: Int = 0, into g: inout Grid) {
        var x = x0
        for (_, c) in shown where x < g.width {
            g.put(c.title, x: x, y: y, role: .header, maxWidth: c.width - 1)
            x += c.width
        }
    }

    /// One row; `cells` holds every defined column's text, `role(column)`
    /// colours a cell (by its defined index) when the row is not selected.
    func row(_ cells: [String], y: Int, x x0: Int = 0, selected: Bool, into g: inout Grid, role: (Int) -> Role = { _ in .normal }) {
        if selected { g.fill(y: y, role: .selection) }
        var x = x0
        for (index, c) in shown where x < g.width && cells.indices.contains(index) {
            g.put(cells[index], x: x, y: y, role: selected ? .selection : role(index), maxWidth: c.width - 1)
            x += c.width
        }
    }

    /// The rows a list shows: (screen line, item index) from `top`, at most
    /// `lines` of them, none past the end.
    static func visible(top: Int, count: Int, lines: Int) -> [(line: Int, index: Int)] {
        let end = min(count, top + max(0, lines))
        return top < end ? (top..<end).map { ($0 - top, $0) } : []
    }
}
