import DocketCore

/// Compose: pick a target, see how the selection splits into requests, what
/// fails local validation and why, and the first request's JSON; `s` sends.
enum ComposeScreen {
    static func draw(_ s: AppState, into g: inout Grid) {
        g.fill(y: 0, role: .title)
        g.put("Docket · Compose a batch", x: 0, y: 0, role: .title)
        var x = 0
        g.put("Target: ", x: 0, y: 1, role: .header)
        x = 8
        for (i, t) in s.targets.enumerated() where x < s.width {
            x += g.put(" \(t.name) ", x: x, y: 1, role: i == s.targetCursor ? .selection : .normal) + 1
        }
        guard s.plan != nil else {
            if let error = s.composeError {
                for (i, line) in wrap(error, width: s.width - 1).enumerated() where 3 + i < s.height - 1 {
                    g.put(line, x: 0, y: 3 + i, role: .error)
                }
            } else {
                g.put("Working out the batch…", x: 0, y: 3, role: .dim)
            }
            return
        }
        let summary = summary(s)
        let start = min(s.planScroll, maxScroll(s))
        for i in 0..<max(0, s.height - 4) {
            guard let (text, role) = line(start + i, of: s, summary: summary) else { break }
            g.put(text, x: 0, y: 3 + i, role: role)
        }
    }

    /// What will be sent, what fails and why, and the heading of the request
    /// shown; the request's own lines follow it (`s.shownRequest`, split
    /// once, not copied per frame: a request may hold thousands of orders).
    static func summary(_ s: AppState) -> [(String, Role)] {
        guard let plan = s.plan else { return [] }
        var lines: [(String, Role)] = []
        let sendable = plan.sendable
        let what = s.retryIds != nil ? "of the batch's failed orders are OPEN and can pass now:"
            : !s.orders.marked.isEmpty ? "of the \(s.orders.marked.count) marked orders are OPEN, in the view, and not yet at \(plan.target):"
            : "OPEN orders in the current view not yet at \(plan.target):"
        lines.append(("\(plan.orderCount) \(what)", .normal))
        lines.append(("\(Plural.orders(sendable)) to send in \(Plural.of(plan.requestSizes.count, "request"))"
                      + (plan.requestSizes.isEmpty ? "." : " of up to \(Plural.orders(plan.requestSizes.max()!))."), .normal))
        if plan.unchangedRefused > 0 {
            lines.append(("\(Plural.orders(plan.unchangedRefused)) refused by \(plan.target) and unchanged since left out: R again sends them too.", .dim))
        }
        if !plan.skipped.isEmpty {
            lines.append(("\(plan.skipped.count) fail\(plan.skipped.count == 1 ? "s" : "") local validation and will be skipped:", .normal))
        }
        for o in plan.skipped.prefix(200) {
            lines.append(("  \(o.externalId)", .outcomeRejected))
            for e in o.errors.prefix(6) { lines.append(("    \(e.field ?? "(order)")  \(e.message)", .normal)) }
        }
        if let index = s.shownRequest?.index {
            lines.append(("", .normal))
            let count = plan.requestSizes.count
            lines.append((count > 1 ? "Request \(index + 1) of \(count) (\(Plural.orders(plan.requestSizes[index]))), as it will be sent; ] and [ for the others:"
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
    static func maxScroll(_ s: AppState) -> Int { max(0, lineCount(s) - (s.height - 4)) }

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
