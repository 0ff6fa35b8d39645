import DocketCore

/// Compose: pick a target, see how the selection splits into requests, what
/// fails local validation and why, and the first request's JSON; `s` sends.
enum ComposeView {
    /// Text lines that fit: the area less the title, the targets and a gap.
    static func lines(in area: Rect) -> Int { max(1, area.height - 3) }

    static func draw(_ s: AppState, into g: inout Grid, area: Rect) {
        g.fill(y: area.y, role: .title)
        g.put("Docket · Compose a batch", x: area.x, y: area.y, role: .title)
        g.put("Target: ", x: area.x, y: area.y + 1, role: .header)
        var x = area.x + 8
        for (i, t) in s.targets.enumerated() where x < area.width {
            x += g.put(" \(t.name) ", x: x, y: area.y + 1, role: i == s.targetCursor ? .selection : .normal) + 1
        }
        let top = area.y + 3
        guard s.plan != nil else {
            if let error = s.composeError {
                for (i, line) in wrap(error, width: area.width - 1).enumerated() where i < lines(in: area) {
                    g.put(line, x: area.x, y: top + i, role: .error)
                }
            } else {
                g.put("Working out the batch…", x: area.x, y: top, role: .dim)
            }
            return
        }
        let summary = summary(s)
        let start = min(s.planScroll, maxScroll(s, area: area))
        for i in 0..<lines(in: area) {
            guard let (text, role) = line(start + i, of: s, summary: summary) else { break }
            g.put(text, x: area.x, y: top + i, role: role, maxWidth: area.width)
        }
    }

    /// What will be sent, what fails and why, and the heading of the request
    /// shown; the request's own lines follow it (`s.shownRequest`, split
    /// once, not copied per frame: a request may hold thousands of orders).
    static func summary(_ s: AppState) -> [(String, Role)] {
        guard let plan = s.plan else { return [] }
        var lines: [(String, Role)] = []
        let sendable = plan.sendable
        let n = plan.orderCount
        let are = n == 1 ? "is" : "are"
        let what = s.retryIds != nil ? "\(n) of the batch's failed orders \(are) OPEN and can pass now:"
            : !s.orders.marked.isEmpty ? "\(n) of the \(Plural.orders(s.orders.marked.count)) marked \(are) OPEN, in the view, and not yet at \(plan.target):"
            : "\(n) OPEN \(n == 1 ? "order" : "orders") in the current view not yet at \(plan.target):"
        lines.append((what, .normal))
        lines.append(("\(Plural.orders(sendable)) to send in \(Plural.of(plan.requestCount, "request"))"
                      + (plan.requestCount == 0 ? "." : " of up to \(Plural.orders(plan.largestRequest))."), .normal))
        if plan.unchangedRefused > 0 {
            lines.append(("\(Plural.orders(plan.unchangedRefused)) refused by \(plan.target) and unchanged since left out: R again sends them too.", .dim))
        }
        if plan.skippedCount > 0 {
            let listed = min(plan.skipped.count, 200)
            lines.append(("\(plan.skippedCount) fail\(plan.skippedCount == 1 ? "s" : "") local validation and will be skipped"
                          + (listed < plan.skippedCount ? " (the first \(listed) below; docket validate lists them all):" : ":"), .normal))
        }
        for o in plan.skipped.prefix(200) {
            lines.append(("  \(o.externalId)", .outcomeRejected))
            for e in o.errors.prefix(6) { lines.append(("    \(e.field ?? "(order)")  \(e.message)", .normal)) }
        }
        if let index = s.shownRequest?.index {
            lines.append(("", .normal))
            let count = plan.requestCount
            let size = plan.requests.indices.contains(index) ? plan.requests[index].count : 0
            lines.append((count > 1 ? "Request \(index + 1) of \(count) (\(Plural.orders(size))), as it will be sent; ] and [ for the others:"
                          : "The request, as it will be sent:", .header))
        }
        return lines
    }

    /// Line `i` of the screen's text: the summary, then the request's JSON.
    static func line(_ i: Int, of s: AppState, summary: [(String, Role)]) -> (String, Role)? {
        if i < summary.count { return summary[i] }
        guard let json = s.shownRequest?.lines, json.indices.contains(i - summary.count) else { return nil }
        return (json[i - summary.count], .dim)
    }

    static func lineCount(_ s: AppState) -> Int { summary(s).count + (s.shownRequest?.lines.count ?? 0) }

    /// The farthest the text scrolls: its last line at the bottom.
    static func maxScroll(_ s: AppState, area: Rect) -> Int { max(0, lineCount(s) - lines(in: area)) }

    /// The first line at or after the top that holds `needle` (lower case).
    static func find(_ needle: String, in s: AppState) -> Int? {
        let summary = summary(s)
        if let i = summary.firstIndex(where: { $0.0.lowercased().contains(needle) }) { return i }
        return s.shownRequest?.lines.firstIndex { $0.lowercased().contains(needle) }.map { summary.count + $0 }
    }
}

/// Words to lines of at most `width` columns (a word longer than that is
/// cut by the grid).
func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
        if !line.isEmpty, DisplayWidth.of(line) + 1 + DisplayWidth.of(String(word)) > width {
            lines.append(line)
            line = ""
        }
        line += (line.isEmpty ? "" : " ") + word
    }
    if !line.isEmpty { lines.append(line) }
    return lines
}
