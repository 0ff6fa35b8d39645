import DocketCore

/// Draws the pager: a title with where it is, then the lines.
enum PagerView {
    /// Text lines that fit: the area less the title.
    static func lines(in area: Rect) -> Int { max(1, area.height - 1) }

    static func draw(_ s: AppState, into g: inout Grid, area: Rect) {
        let p = s.pager
        let visible = lines(in: area)
        g.fill(y: area.y, role: .title)
        let start = min(p.scroll, p.maxScroll(visible: visible))
        let place = p.lines.isEmpty ? "" : "  lines \(start + 1)–\(min(p.lines.count, start + visible)) of \(p.lines.count)"
        g.put("Docket · \(p.title)\(place)", x: area.x, y: area.y, role: .title, maxWidth: area.width)
        if p.loading && p.lines.isEmpty { g.put("loading…", x: area.x, y: area.y + 1, role: .dim) }
        let needle = p.needle?.lowercased()
        for (i, line) in p.lines.dropFirst(start).prefix(visible).enumerated() {
            let found = needle.map { !$0.isEmpty && line.text.lowercased().contains($0) } ?? false
            g.put(line.text, x: area.x, y: area.y + 1 + i, role: found ? .marked : line.role, maxWidth: area.width)
        }
    }
}
