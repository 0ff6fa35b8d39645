/// A table of columns and rows with one selected row: the shape every list
/// screen (orders, batches, a batch's outcomes and requests) draws.
struct Table {
    struct Column {
        var title: String
        var width: Int
    }

    var columns: [Column]

    init(_ columns: [(String, Int)]) {
        self.columns = columns.map { Column(title: $0.0, width: $0.1) }
    }

    func header(y: Int, into g: inout Grid) {
        var x = 0
        for c in columns where x < g.width {
            g.put(c.title, x: x, y: y, role: .header, maxWidth: c.width - 1)
            x += c.width
        }
    }

    /// One row; `role(column)` colours a cell when the row is not selected.
    func row(_ cells: [String], y: Int, selected: Bool, into g: inout Grid, role: (Int) -> Role = { _ in .normal }) {
        if selected { g.fill(y: y, role: .selection) }
        var x = 0
        for (i, (cell, c)) in zip(cells, columns).enumerated() where x < g.width {
            g.put(cell, x: x, y: y, role: selected ? .selection : role(i), maxWidth: c.width - 1)
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
