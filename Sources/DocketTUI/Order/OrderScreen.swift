import DocketCore

/// One order: every field and item line, what was changed, and beside each
/// field what the chosen target's rules and the last rejection say of it.
enum OrderScreen {
    /// Field lines that fit: the area less the title, the check line and
    /// the summary line.
    static func rows(in area: Rect) -> Int { max(1, area.height - 3) }

    static func draw(_ s: AppState, into g: inout Grid, area: Rect) {
        g.fill(y: area.y, role: .title)
        guard let view = s.orderView else {
            g.put("Docket · Order  loading…", x: area.x, y: area.y, role: .title)
            return
        }
        let o = view.stored.order
        var title = "Docket · Order \(o.externalId)  \(o.status.rawValue)  version \(view.stored.version)"
        if !view.edit.isEmpty { title += "  \(Reducer.changesText(view.edit)) not saved" }
        g.put(title, x: area.x, y: area.y, role: .title, maxWidth: area.width)

        let targets = Reducer.checkTargets(s)
        let target = targets.indices.contains(view.checkTarget) ? targets[view.checkTarget] : nil
        if !view.editable {
            g.put("Read-only: only OPEN orders can be edited (this one is \(o.status.rawValue)).", x: area.x, y: area.y + 1, role: .error, maxWidth: area.width)
        } else if let target {
            let n = view.issues.count
            let verdict = n == 0 ? "passes its checks" : "\(n) problem\(n == 1 ? "" : "s")"
            let x = g.put("Checked against \(target.name) (\(target.dialect.displayName)): ", x: area.x, y: area.y + 1, role: .dim)
            g.put(verdict, x: area.x + x, y: area.y + 1, role: n == 0 ? .outcomeAccepted : .fieldIssue)
        }
        g.put(summaryLine(view), x: area.x, y: area.y + 2, role: view.rejection.isEmpty ? .dim : .outcomeRejected, maxWidth: area.width)

        if view.reviewing {
            drawReview(view, into: &g, area: area)
            return
        }
        let rows = view.rows
        let visible = Self.rows(in: area)
        let labelWidth = min(34, max(14, area.width / 3))
        for (i, index) in Table.visible(top: view.list.top, count: rows.count, lines: visible) {
            let y = area.y + 3 + i
            let row = rows[index]
            let selected = index == view.list.cursor
            if selected { g.fill(y: y, role: .selection) }
            func role(_ r: Role) -> Role { selected ? .selection : r }
            let hasIssue = !row.issues.isEmpty || (view.draftError?.field == row.path)
            let marker = (row.changed ? "*" : " ") + (hasIssue || !row.rejected.isEmpty ? "!" : " ")
            g.put(marker, x: 0, y: y, role: role(hasIssue ? .fieldIssue : .fieldChanged))
            g.put(DisplayWidth.middle(SafeText.escape(row.path), labelWidth - 1), x: 2, y: y, role: role(.header), maxWidth: labelWidth - 1)
            let valueX = 2 + labelWidth
            let notes = notes(for: row, view)
            let room = area.width - valueX
            var value = row.removed ? "(removed)" : row.missing && !row.changed ? "(missing)" : (row.value.isEmpty ? "\"\"" : row.value)
            if selected, let input = view.input { value = input + "▏" }
            let valueWidth = notes.isEmpty ? room : min(DisplayWidth.of(SafeText.escape(value)), max(10, room / 2))
            let valueRole: Role = selected && view.input != nil ? .input : (row.missing && !row.changed ? .dim : (row.changed ? .fieldChanged : .normal))
            let used = g.put(value, x: valueX, y: y, role: selected && view.input == nil ? .selection : valueRole, maxWidth: valueWidth)
            var x = valueX + used + 2
            for (text, r) in notes where x < area.width {
                x += g.put(text, x: x, y: y, role: role(r)) + 2
            }
        }
    }

    /// Before `y` saves: every field the save changes, old → new.
    static func review(_ view: OrderView) -> [(String, Role)] {
        guard case .success(let draft) = view.draft() else { return [] }
        let diff = OrderFields.diff(from: view.stored.order, to: draft)
        var lines: [(String, Role)] = [("Saving changes \(Plural.of(diff.count, "field")) of version \(view.stored.version):", .header)]
        for d in diff {
            let old = d.old.map { "\"\($0)\"" } ?? "(absent)"
            let new = d.new.map { "\"\($0)\"" } ?? "(absent)"
            lines.append(("  \(d.path): \(old) → \(new)", d.new == nil ? .fieldIssue : .fieldChanged))
        }
        if !view.issues.isEmpty {
            lines.append(("", .normal))
            lines.append(("The rules still find \(Plural.of(view.issues.count, "problem")); y saves all the same:", .fieldIssue))
            lines += view.issues.map { ("  \($0.field ?? "(order)"): \($0.message)", .fieldIssue) }
        }
        return lines
    }

    static func drawReview(_ view: OrderView, into g: inout Grid, area: Rect) {
        for (i, (text, role)) in review(view).prefix(rows(in: area)).enumerated() {
            g.put(text, x: area.x, y: area.y + 3 + i, role: role, maxWidth: area.width)
        }
    }

    /// What the store's last batch said of the order, and the rules' words
    /// about the order as a whole (not one field).
    static func summaryLine(_ view: OrderView) -> String {
        var parts: [String] = []
        if let latest = view.latest {
            let n = latest.outcome.errors.count
            parts.append("Last sent: \(latest.outcome.outcome.rawValue) by \(latest.target) in \(latest.batch)"
                         + (n > 0 ? " (\(n) error\(n == 1 ? "" : "s"), marked !)" : ""))
        } else {
            parts.append("Never sent.")
        }
        // What each target holds may be older than the order now.
        for t in view.stored.targets {
            if let note = t.note(currentVersion: view.stored.version) { parts.append(note) }
        }
        let general = view.issues.filter { $0.field == nil } + view.rejection.filter { $0.field == nil }
        parts += general.map(\.message)
        return parts.joined(separator: " · ")
    }

    static func notes(for row: OrderRow, _ view: OrderView) -> [(String, Role)] {
        var out: [(String, Role)] = []
        if let e = view.draftError, e.field == row.path { out.append(("✗ " + e.message, .fieldIssue)) }
        out += row.issues.map { ("← " + $0.message, .fieldIssue) }
        // A rejection about a field since changed is history, shown quieter.
        out += row.rejected.map { ("rejected: " + $0.message, row.changed ? .dim : .outcomeRejected) }
        out += row.converted.map { ("→ " + $0.message, .dim) }
        return out
    }
}
