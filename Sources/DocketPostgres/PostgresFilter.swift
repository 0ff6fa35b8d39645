import DocketCore

/// A query's filters as PostgreSQL: the same rules as the SQLite store's
/// (`SQLiteOrderStore.filter`), with numbered arguments and a `tsvector`
/// search.
enum PostgresFilter {
    static func whereClause(_ q: OrderQuery, _ args: inout SQLArgs) -> String {
        var clauses: [String] = []
        if !q.statuses.isEmpty { clauses.append("status = ANY(\(args.add(q.statuses.map(\.rawValue))))") }
        func atTarget(_ t: String) -> String {
            "SELECT 1 FROM order_targets ot WHERE ot.external_id = orders.external_id AND ot.target = \(args.add(t))"
        }
        if let t = q.target {
            let named = q.outcomes.filter { $0 != "none" }
            var parts: [String] = []
            if q.outcomes.isEmpty || !named.isEmpty {
                parts.append("EXISTS (\(atTarget(t))\(named.isEmpty ? "" : " AND ot.outcome = ANY(\(args.add(named)))"))")
            }
            if q.outcomes.contains("none") { parts.append("NOT EXISTS (\(atTarget(t)))") }
            clauses.append("(" + parts.joined(separator: " OR ") + ")")
        } else if !q.outcomes.isEmpty {
            clauses.append("last_outcome = ANY(\(args.add(q.outcomes.map { $0 == "none" ? "" : $0 })))")
        }
        if q.changed {
            if let t = q.target {
                clauses.append("EXISTS (\(atTarget(t)) AND ot.version < orders.version)")
            } else {
                clauses.append("EXISTS (SELECT 1 FROM order_targets ot WHERE ot.external_id = orders.external_id AND ot.version < orders.version)")
            }
        }
        if let t = q.target, q.skipUnchangedRefusals {
            clauses.append("NOT EXISTS (\(atTarget(t)) AND ot.outcome = 'rejected' AND ot.version >= orders.version)")
        }
        for t in Set([q.skipHeld ? q.target : nil, q.notTakenBy].compactMap { $0 }).sorted() {
            clauses.append("NOT EXISTS (\(atTarget(t)) AND ot.hold)")
        }
        if !q.ids.isEmpty { clauses.append("external_id = ANY(\(args.add(q.ids)))") }
        if let t = q.notTakenBy {
            clauses.append("NOT EXISTS (\(atTarget(t)) AND ot.outcome IN ('accepted', 'exists')\(q.notTakenByUpdates ? " AND ot.version >= orders.version" : ""))")
        }
        if let s = q.search {
            switch SearchText.parse(s) {
            case .everything: break
            case .nothing: clauses.append("false")
            case .email(let email): clauses.append("lower(email) = lower(\(args.add(email)))")
            // The matches first, from the search index, whatever the
            // planner guesses of them: otherwise it may walk the whole table
            // in sort order to find the one order an id names.
            case .terms(let terms):
                clauses.append("id = ANY(ARRAY(SELECT id FROM orders WHERE search @@ \(args.add(tsQuery(terms)))::tsquery))")
            }
        }
        return clauses.isEmpty ? "true" : clauses.joined(separator: " AND ")
    }

    /// Each term a prefix, all of them needed: SQLite's FTS5 query rules.
    /// Taken as written (a cast, not `to_tsquery`), since the words were
    /// cut by `SearchText` already, as the orders' were.
    static func tsQuery(_ terms: [String]) -> String {
        terms.map { "'" + SearchText.folded($0).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "':*" }
            .joined(separator: " & ")
    }
}
