import DocketCore

func countsText(_ counts: [Outcome: Int]) -> String {
    Outcome.allCases.compactMap { o in counts[o].map { "\($0) \(o.rawValue)" } }.joined(separator: ", ")
}

func outcomeRole(_ o: Outcome) -> Role {
    switch o {
    case .accepted, .exists: .outcomeAccepted
    case .pending: .outcomeOther
    default: .outcomeRejected
    }
}

/// History of batches, newest first; reloaded while shown, so batches other
/// docket processes send appear as they start.
enum BatchesScreen {
    static func draw(_ s: AppState, into g: inout Grid) {
        g.fill(y: 0, role: .title)
        let list = s.visibleBatches
        g.put("Docket · Batches  \(s.batches.items.count)" + (s.batchesFilter.map { "  filter: \($0) (\(list.count))" } ?? ""), x: 0, y: 0, role: .title)
        // A narrow terminal gives the counts the room the creation time took.
        let wide = s.width >= 100
        let table = Table([("BATCH", 27), ("TARGET", 11)] + (wide ? [("CREATED", 21)] : []) + [("ORDERS", 7), ("OUTCOMES", 200)])
        table.header(y: 1, into: &g)
        if list.isEmpty {
            g.put(s.batches.items.isEmpty ? "No batches yet: c on the Orders screen composes one, or docket submit --target T."
                  : "No batch matches the filter: / then Enter shows them all.", x: 1, y: 3, role: .dim)
            return
        }
        for (i, index) in Table.visible(top: s.batches.top, count: list.count, lines: s.tableRows) {
            let b = list[index]
            let cells = [b.id, b.target] + (wide ? [b.createdAt] : []) + [String(b.orderCount), countsText(b.counts) + (b.finishedAt == nil ? " (not finished)" : "")]
            table.row(cells, y: 2 + i, selected: index == s.batches.cursor, into: &g)
        }
    }
}

/// One batch: every order's outcome with its first error, or its requests.
enum BatchScreen {
    static func draw(_ s: AppState, into g: inout Grid) {
        g.fill(y: 0, role: .title)
        guard let report = s.batch else {
            g.put("Docket · Batch  loading…", x: 0, y: 0, role: .title)
            return
        }
        let b = report.summary
        g.put("Docket · Batch \(b.id) to \(b.target) (\(b.dialect.displayName))", x: 0, y: 0, role: .title)
        var x = 0
        if b.finishedAt == nil {
            // While it goes out: how much has a definite answer.
            let settled = b.orderCount - (b.counts[.pending] ?? 0)
            let fraction = b.orderCount == 0 ? 0 : Double(settled) / Double(b.orderCount)
            let filled = Int(fraction * 20)
            x += g.put("[" + String(repeating: "█", count: filled) + String(repeating: "░", count: 20 - filled) + "] ", x: 0, y: 1, role: .outcomeAccepted)
            x += g.put("\(Int(fraction * 100))% · ", x: x, y: 1, role: .dim)
        }
        g.put("\(Plural.orders(b.orderCount)): \(countsText(b.counts))\(b.finishedAt == nil ? "  (sending)" : "")"
              + (s.batchFilter.map { "  filter: \($0) (\(s.visibleOutcomes.count))" } ?? ""), x: x, y: 1, role: .dim)
        let visible = s.tableRows - 1
        if s.batchTab == .outcomes {
            let table = Table([("EXTERNAL ID", 22), ("OUTCOME", 11), ("FIELD", 26), ("WHAT THE TARGET OR DOCKET SAID", 200)])
            table.header(y: 2, into: &g)
            let outcomes = s.visibleOutcomes
            for (i, index) in Table.visible(top: s.batchList.top, count: outcomes.count, lines: visible) {
                let o = outcomes[index]
                let error = o.errors.first
                let cells = [o.externalId, o.outcome.rawValue, error?.field ?? "", error.map { "\($0.message)\(o.errors.count > 1 ? " (+\(o.errors.count - 1) more)" : "")" } ?? ""]
                table.row(cells, y: 3 + i, selected: index == s.batchList.cursor, into: &g) { $0 == 1 ? outcomeRole(o.outcome) : .normal }
            }
        } else {
            let table = Table([("#", 6), ("TRY", 5), ("ANSWER", 22), ("MS", 8), ("ORDERS", 8), ("URL", 200)])
            table.header(y: 2, into: &g)
            for (i, index) in Table.visible(top: s.batchList.top, count: s.batchRequests.count, lines: visible) {
                let r = s.batchRequests[index]
                let answer = r.status.map { "HTTP \($0)" } ?? "no answer"
                let cells = [String(r.sequence), String(r.attempt), answer, String(r.milliseconds), String(r.orderIds.count), "\(r.method) \(r.url)"]
                table.row(cells, y: 3 + i, selected: index == s.batchList.cursor, into: &g)
            }
        }
    }
}

/// One request and its response, bodies pretty-printed (headers are never
/// kept, so no credential can show here).
enum ExchangeScreen {
    static func lines(_ s: AppState) -> [(String, Role)] { s.exchangeLines }

    static func lines(for r: RequestRecord) -> [(String, Role)] {
        func pretty(_ bytes: [UInt8]) -> [String] {
            if bytes.isEmpty { return ["(empty)"] }
            if let v = try? JSONParser.parse(bytes) { return JSONWriter.string(v, pretty: true).components(separatedBy: "\n") }
            return String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
        }
        var out: [(String, Role)] = [("\(r.method) \(r.url)  attempt \(r.attempt), \(Plural.orders(r.orderIds.count))", .header)]
        out += pretty(r.requestBody).map { ($0, .normal) }
        out.append(("", .normal))
        out.append((r.status.map { "Response: HTTP \($0) in \(r.milliseconds) ms" } ?? "No response: \(r.error ?? "")", .header))
        out += pretty(r.responseBody).map { ($0, .normal) }
        return out
    }

    static func draw(_ s: AppState, into g: inout Grid) {
        g.fill(y: 0, role: .title)
        g.put("Docket · Request and response", x: 0, y: 0, role: .title)
        let all = lines(s)
        if all.isEmpty { g.put("loading…", x: 0, y: 1, role: .dim) }
        let visible = s.height - 2
        let start = min(s.exchangeScroll, max(0, all.count - visible))
        for (i, (text, role)) in all.dropFirst(start).prefix(visible).enumerated() {
            g.put(text, x: 0, y: 1 + i, role: role)
        }
    }
}
