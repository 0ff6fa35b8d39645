import DocketCore

/// One batch's keys: its outcomes, its requests, and what to do about the
/// orders that failed.
enum BatchKeys {
    static func onOutcomes(_ s: AppState) -> Bool { s.batchTab == .outcomes }
    static func selectedOutcome(_ s: AppState) -> OrderOutcome? {
        let all = s.visibleOutcomes
        return s.batchTab == .outcomes && all.indices.contains(s.batchList.cursor) ? all[s.batchList.cursor] : nil
    }
    static func selectedRequest(_ s: AppState) -> RequestRecord? {
        s.batchTab == .requests && s.batchRequests.indices.contains(s.batchList.cursor) ? s.batchRequests[s.batchList.cursor] : nil
    }

    static let table = KeyTable("Batch", [
        KeyBinding(Key.moves + Key.pages + Key.jumps, "↑↓ j k PgUp PgDn g G", "move", bar: "move") { s, key in
            let page = BatchView.rows(in: s.body)
            s.batchList.move(by: ListState<Int>.step(key, page: page) ?? 0, count: Reducer.batchRowCount(s), visible: page)
            return []
        },
        KeyBinding([.enter], "Enter", "open the order (outcomes)", bar: "order", when: { selectedOutcome($0) != nil }) { s, _ in
            guard let o = selectedOutcome(s) else { return [] }
            return Reducer.openOrder(&s, o.externalId, fromBatch: true)
        },
        KeyBinding([.enter], "Enter", "the request and its response, whole (requests)", bar: "bodies",
                   when: { selectedRequest($0) != nil && $0.batch != nil }) { s, _ in
            guard let r = selectedRequest(s), let batch = s.batch?.summary.id else { return [] }
            var pager = PagerState(title: "Request \(r.sequence), attempt \(r.attempt)", lines: [], returnTo: .batch)
            pager.loading = true
            Reducer.openPager(&s, pager)
            return [.loadExchange(batch: batch, sequence: r.sequence, attempt: r.attempt)]
        },
        KeyBinding([.char("v")], "v", "every error of the order, whole", bar: "whole",
                   when: { selectedOutcome($0) != nil }) { s, _ in
            guard let o = selectedOutcome(s) else { return [] }
            Reducer.openPager(&s, PagerState(title: "\(o.externalId): \(o.outcome.rawValue)", lines: lines(of: o), returnTo: .batch))
            return []
        },
        KeyBinding([.tab, .char("r")], "Tab r", "the batch's requests", bar: "requests", when: onOutcomes) { s, _ in
            s.batchTab = .requests
            s.batchList = ListState()
            return []
        },
        KeyBinding([.tab, .char("r")], "Tab r", "the orders' outcomes", bar: "outcomes", when: { !onOutcomes($0) }) { s, _ in
            s.batchTab = .outcomes
            s.batchList = ListState()
            return []
        },
        KeyBinding([.char("e")], "e", "errors: this batch's failures grouped by cause", bar: "errors", when: { $0.batch != nil }) { s, _ in
            guard let report = s.batch else { return [] }
            Reducer.openErrors(&s, batch: report)
            return []
        },
        KeyBinding([.char("R")], "R", "retry what failed: rejected, not_saved and unknown orders, to the same target", bar: "retry failed",
                   when: { $0.batch != nil }) { s, _ in retry(&s) },
        KeyBinding([.char("L")], "L", "look the unknown orders up at the target", bar: "look up unknown", when: { $0.batch != nil }) { s, _ in
            lookUp(&s)
        },
        KeyBinding([.escape], "Esc", "clear the filter", bar: "show all", when: { $0.batchFilter != nil }) { s, _ in
            Reducer.find(&s, "", final: true)
        },
        KeyBinding([.escape, .char("q")], "Esc q", "back to the batches", bar: "batches") { s, _ in Reducer.openBatches(&s) },
    ] + Reducer.common(find: "filter by id, outcome, field or message as you type (/failed: every failure)"))

    static func lines(of o: OrderOutcome) -> [(String, Role)] {
        var lines: [(String, Role)] = [("Outcome: \(o.outcome.rawValue)", outcomeRole(o.outcome))]
        if !o.remoteIds.isEmpty { lines.append(("Remote ids: " + o.remoteIds.joined(separator: ", "), .normal)) }
        for (i, e) in o.errors.enumerated() {
            lines.append(("", .normal))
            lines.append(("Error \(i + 1) of \(o.errors.count)" + (e.code.isEmpty ? "" : "  code \(e.code)"), .header))
            if let field = e.field { lines.append(("Field: \(field)", .normal)) }
            lines += e.message.split(separator: "\n", omittingEmptySubsequences: false).map { (String($0), .normal) }
        }
        if o.errors.isEmpty { lines.append(("No error was recorded.", .dim)) }
        return lines
    }

    /// Retry what failed: the rejected, not_saved and unknown orders, to the same target.
    static func retry(_ s: inout AppState) -> [Effect] {
        guard let report = s.batch else { return [] }
        let failed = report.outcomes.filter { [.rejected, .notSaved, .unknown].contains($0.outcome) }.map(\.externalId)
        guard !failed.isEmpty else {
            s.message = "Nothing to retry: no order of this batch was rejected, not saved or unknown."
            return []
        }
        guard let index = s.targets.firstIndex(where: { $0.name == report.summary.target }) else {
            s.message = "The target \(report.summary.target) is not in the config any more."
            return []
        }
        s.targetCursor = index
        s.retryIds = failed
        s.retryIncludeUnchanged = false
        return Reducer.openCompose(&s)
    }

    /// Look the unknown orders up at the target, where its API can say.
    static func lookUp(_ s: inout AppState) -> [Effect] {
        guard let report = s.batch else { return [] }
        let unknown = report.outcomes.filter { $0.outcome == .unknown }.count
        guard unknown > 0 else {
            s.message = "Nothing to look up: no order of this batch is unknown."
            return []
        }
        guard report.summary.finishedAt != nil else {
            s.message = "The batch is still being sent; look its unknown orders up once it has finished."
            return []
        }
        guard Reconciler.canLookUp(report.summary.dialect) else {
            s.message = "\(report.summary.dialect.displayName) takes orders by upsert: R sends the \(Plural.orders(unknown)) again, which settles them."
            return []
        }
        return [.reconcile(report.summary)]
    }

    /// Merges what a running batch recorded since the last look: each
    /// changed outcome in its place, the counts moved with it, new requests
    /// added.
    static func changed(_ s: inout AppState, _ changes: BatchChanges?) {
        guard let changes, var report = s.batch, report.summary.id == changes.summary.id else { return }
        var counts = report.summary.counts
        for o in changes.outcomes {
            if let i = s.batchIndex[o.externalId] {
                let before = report.outcomes[i].outcome
                counts[before, default: 0] -= 1
                if counts[before] == 0 { counts[before] = nil }
                report.outcomes[i] = o
            } else {
                report.outcomes.append(o)
            }
            counts[o.outcome, default: 0] += 1
        }
        let finished = changes.summary
        report.summary = finished
        // Once finished the store's own counts stand; while running, ours.
        if finished.finishedAt == nil || finished.counts.isEmpty { report.summary.counts = counts }
        s.batch = report
        s.batchRequests += changes.requests
        s.batchPosition = changes.position
        s.batchList.move(by: 0, count: Reducer.batchRowCount(s), visible: BatchView.rows(in: s.body))
    }
}
