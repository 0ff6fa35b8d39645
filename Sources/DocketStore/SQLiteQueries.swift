import DocketCore
import Foundation
import GRDB
import GRDBSQLite

/// Reading: one order, keyset pages, counts and walks, by one filter.
extension SQLiteOrderStore {
    public func order(externalId: String) throws -> StoredOrder? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.storedColumns) FROM orders WHERE external_id = ?",
                                             arguments: [externalId]) else { return nil }
            var stored = try Self.stored(row)
            stored.targets = try Row.fetchAll(db, sql: """
                SELECT ot.target, b.dialect, ot.outcome, ot.batch_id, ot.version, ot.hold, ot.updated_at
                FROM order_targets ot LEFT JOIN batches b ON b.id = ot.batch_id
                WHERE ot.external_id = ? ORDER BY ot.updated_at DESC, ot.target
                """, arguments: [externalId]).map { r in
                TargetOutcome(target: r["target"], dialect: (r["dialect"] as String?).flatMap(Dialect.init(rawValue:)),
                              outcome: Outcome(rawValue: r["outcome"]) ?? .unknown, batch: r["batch_id"], version: r["version"],
                              held: r["hold"], at: r["updated_at"])
            }
            return stored
        }
    }

    /// What `stored` reads, by name.
    static let storedColumns = "body, version, last_outcome, last_target, created_at, updated_at, status"

    static func stored(_ row: Row) throws -> StoredOrder {
        let body: String = row["body"]
        var order: Order
        do {
            order = try CanonicalCodec.decode(try JSONParser.parse(Array(body.utf8)))
        } catch {
            throw DocketError("an order in the store cannot be read back: \(error)")
        }
        order.status = OrderStatus(rawValue: row["status"]) ?? order.status
        let outcome: String = row["last_outcome"], target: String = row["last_target"]
        return StoredOrder(order: order, version: row["version"], lastOutcome: outcome.isEmpty ? nil : outcome,
                           lastTarget: target.isEmpty ? nil : target, createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    /// The WHERE clause for a query's filters, with its arguments.
    static func filter(_ q: OrderQuery) -> (String, StatementArguments) {
        var clauses: [String] = []
        var args = StatementArguments()
        if !q.statuses.isEmpty {
            clauses.append("status IN (\(placeholders(q.statuses.count)))")
            args += StatementArguments(q.statuses.map(\.rawValue))
        }
        // One order's row for a target: `ot` in the subqueries below.
        let atTarget = "SELECT 1 FROM order_targets ot WHERE ot.external_id = orders.external_id AND ot.target = ?"
        if let t = q.target {
            let named = q.outcomes.filter { $0 != "none" }
            var parts: [String] = []
            if q.outcomes.isEmpty || !named.isEmpty {
                parts.append("EXISTS (\(atTarget)\(named.isEmpty ? "" : " AND ot.outcome IN (\(placeholders(named.count)))"))")
                args += [t]
                args += StatementArguments(named)
            }
            if q.outcomes.contains("none") {
                parts.append("NOT EXISTS (\(atTarget))")
                args += [t]
            }
            clauses.append("(" + parts.joined(separator: " OR ") + ")")
        } else if !q.outcomes.isEmpty {
            clauses.append("last_outcome IN (\(placeholders(q.outcomes.count)))")
            args += StatementArguments(q.outcomes.map { $0 == "none" ? "" : $0 })
        }
        if q.changed {
            if let t = q.target {
                clauses.append("EXISTS (\(atTarget) AND ot.version < orders.version)")
                args += [t]
            } else {
                clauses.append("EXISTS (SELECT 1 FROM order_targets ot WHERE ot.external_id = orders.external_id AND ot.version < orders.version)")
            }
        }
        if let t = q.target, q.skipUnchangedRefusals {
            clauses.append("NOT EXISTS (\(atTarget) AND ot.outcome = 'rejected' AND ot.version >= orders.version)")
            args += [t]
        }
        // Held orders stay out of sends: of a retry at `target`, and of any
        // default selection for `notTakenBy`.
        for t in Set([q.skipHeld ? q.target : nil, q.notTakenBy].compactMap { $0 }).sorted() {
            clauses.append("NOT EXISTS (\(atTarget) AND ot.hold = 1)")
            args += [t]
        }
        if !q.ids.isEmpty {
            clauses.append("external_id IN (\(placeholders(q.ids.count)))")
            args += StatementArguments(q.ids)
        }
        if let t = q.notTakenBy {
            // Taken: this target's latest word was accepted or exists, and
            // (when it can update orders) about the version there is now.
            clauses.append("""
                NOT EXISTS (\(atTarget) AND ot.outcome IN ('accepted', 'exists')\(q.notTakenByUpdates ? " AND ot.version >= orders.version" : ""))
                """)
            args += [t]
        }
        if let s = q.search {
            switch SearchText.parse(s) {
            case .everything: break
            case .nothing: clauses.append("0")
            case .email(let email):
                clauses.append("email = ? COLLATE NOCASE")
                args += [email]
            case .terms(let terms):
                clauses.append("id IN (SELECT rowid FROM orders_search WHERE orders_search MATCH ?)")
                args += [SearchText.ftsQuery(terms)]
            }
        }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), args)
    }

    static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ",") }


    public func page(_ q: OrderQuery, after cursor: PageCursor?, limit: Int) throws -> [OrderSummary] {
        try page(q, cursor: cursor, inclusive: false, limit: limit)
    }

    public func page(_ q: OrderQuery, from cursor: PageCursor, limit: Int) throws -> [OrderSummary] {
        try page(q, cursor: cursor, inclusive: true, limit: limit)
    }

    func page(_ q: OrderQuery, cursor: PageCursor?, inclusive: Bool, limit: Int) throws -> [OrderSummary] {
        var (whereSQL, args) = Self.filter(q)
        let (after, order) = q.keyset(after: cursor, inclusive: inclusive) { args += [$0]; return "?" }
        whereSQL += after
        let sql = "SELECT \(OrderSummary.columns(outcomeAt: q.target)) FROM orders WHERE \(whereSQL) ORDER BY \(order) LIMIT \(max(0, limit))"
        if let t = q.target { args = [t] + args }
        return try read { db in try Row.fetchAll(db, sql: sql, arguments: args).map(OrderSummary.init(row:)) }
    }

    public func count(_ q: OrderQuery) throws -> Int {
        let (whereSQL, args) = Self.filter(q)
        return try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM orders WHERE \(whereSQL)", arguments: args) ?? 0 }
    }

    public func count(_ q: OrderQuery, atMost limit: Int) throws -> Int {
        let (whereSQL, args) = Self.filter(q)
        return try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM orders WHERE \(whereSQL) LIMIT \(max(0, limit)))", arguments: args) ?? 0
        }
    }

    public func forEachOrder(_ q: OrderQuery, _ body: (StoredOrder) throws -> Void) throws {
        try forEachRow(q, columns: "\(Self.storedColumns), external_id", page: 1000, decode: Self.stored, body)
    }

    public func forEachKey(_ q: OrderQuery, _ body: (_ externalId: String, _ version: Int) throws -> Void) throws {
        try forEachRow(q, columns: "external_id, version", page: 10_000, decode: { ($0["external_id"] as String, $0["version"] as Int) }) {
            try body($0.0, $0.1)
        }
    }

    /// The orders `q` selects, in external id order, `page` at a time by key
    /// (each page its own read, so writers are never held up for long, and
    /// `body` runs outside it); `columns` must include external_id. Rows
    /// are read from the statement as it steps: GRDB finds a copied row's
    /// columns by lowercasing every name on each read, a statement's from
    /// a table it built once.
    func forEachRow<T>(_ q: OrderQuery, columns: String, page: Int, decode: (Row) throws -> T, _ body: (T) throws -> Void) throws {
        var (whereSQL, args) = Self.filter(q)
        whereSQL += " AND external_id > ?"
        var last = ""
        while true {
            let (values, final) = try read { db in
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT \(columns) FROM orders WHERE \(whereSQL) ORDER BY external_id LIMIT \(page)
                    """, arguments: args + [last])
                var values: [T] = []
                var final: String?
                while let row = try rows.next() {
                    values.append(try decode(row))
                    final = row["external_id"]
                }
                return (values, final)
            }
            for value in values { try body(value) }
            guard let final else { return }
            last = final
        }
    }

    /// FTS5's own integrity check of the search index against the orders.
    public func searchIndexIsConsistent() throws -> Bool {
        do {
            try pool.write { db in
                try db.execute(sql: "INSERT INTO orders_search(orders_search, rank) VALUES ('integrity-check', 1)")
            }
            return true
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
            return false
        }
    }
}
