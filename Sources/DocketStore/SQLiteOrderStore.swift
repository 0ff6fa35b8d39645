import DocketCore
import Foundation
import GRDB

/// Docket's store on one SQLite file, in WAL mode so several docket
/// processes (the console, a scheduled submit, an import) share it safely.
public final class SQLiteOrderStore: OrderStoring {
    public let path: String
    let pool: DatabasePool

    /// How long a writer waits for another process's write to finish. An
    /// import of a million orders holds the lock for seconds, not minutes.
    public static let busyTimeout: TimeInterval = 300

    public init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw DocketError("cannot create the store's folder: \(error.localizedDescription)", file: folder)
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(Self.busyTimeout)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // GRDB migrates in a deferred transaction, so two processes
            // creating a new store at once can collide; the loser retries
            // and finds the winner's schema in place.
            var attempt = 0
            while true {
                do {
                    try Schema.migrator.migrate(pool)
                    break
                } catch let error as DatabaseError where attempt < 20 {
                    _ = error
                    attempt += 1
                    Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
                }
            }
        } catch let error as DatabaseError {
            throw DocketError(Self.explain(error), file: path)
        }
    }

    static func explain(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_NOTADB: "this file is not a Docket store (not an SQLite database)"
        case .SQLITE_CANTOPEN: "cannot open the store (check the path and its permissions)"
        case .SQLITE_READONLY: "the store is read-only (check its permissions)"
        case .SQLITE_BUSY, .SQLITE_LOCKED: "the store stayed busy with another docket process for \(Int(busyTimeout)) s; try again"
        case .SQLITE_FULL: "the disk is full"
        case .SQLITE_CORRUPT: "the store file is damaged"
        default: "store error: \(error.message ?? error.description)"
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as DatabaseError {
            throw DocketError(Self.explain(error), file: path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw DocketError(Self.explain(error), file: path)
        }
    }

    static func now() -> String { Date().ISO8601Format() }

    // MARK: Import

    public func importOrders(_ produce: (_ emit: (Order) throws -> Void) throws -> Void) throws -> ImportSummary {
        try write { db in
            try db.execute(sql: "PRAGMA cache_size = -65536")
            let upsert = try db.makeStatement(sql: """
                INSERT INTO orders (external_id, status, version, imported_from, order_date, customer, email, country,
                                    currency, total, item_count, skus, created_at, updated_at, body)
                VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(external_id) DO UPDATE SET
                    status = excluded.status, version = orders.version + 1, imported_from = excluded.imported_from,
                    order_date = excluded.order_date, customer = excluded.customer, email = excluded.email,
                    country = excluded.country, currency = excluded.currency, total = excluded.total,
                    item_count = excluded.item_count, skus = excluded.skus, updated_at = excluded.updated_at,
                    body = excluded.body
                WHERE orders.status = 'OPEN'
                RETURNING version
                """)
            let now = Self.now()
            var summary = ImportSummary()
            try produce { order in
                let c = OrderColumns(order)
                upsert.setUncheckedArguments([
                    order.externalId, order.status.rawValue, order.importedFrom?.rawValue, order.orderDate ?? "",
                    c.customer, c.email, c.country, c.currency, c.total, order.items.count, c.skus, now, now, c.body,
                ])
                switch try Int.fetchOne(upsert) {
                case 1?: summary.added += 1
                case _?: summary.replaced += 1
                case nil:
                    summary.keptNotOpenCount += 1
                    if summary.keptNotOpen.count < 100 { summary.keptNotOpen.append(order.externalId) }
                }
            }
            return summary
        }
    }

    // MARK: Reading

    public func order(externalId: String) throws -> StoredOrder? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT body, version, last_outcome, last_target, created_at, updated_at, status
                FROM orders WHERE external_id = ?
                """, arguments: [externalId]) else { return nil }
            return try Self.stored(row)
        }
    }

    static func stored(_ row: Row) throws -> StoredOrder {
        let body: String = row[0]
        var order: Order
        do {
            order = try CanonicalCodec.decode(try JSONParser.parse(Array(body.utf8)))
        } catch {
            throw DocketError("an order in the store cannot be read back: \(error)")
        }
        order.status = OrderStatus(rawValue: row[6]) ?? order.status
        let outcome: String = row[2], target: String = row[3]
        return StoredOrder(order: order, version: row[1], lastOutcome: outcome.isEmpty ? nil : outcome,
                           lastTarget: target.isEmpty ? nil : target, createdAt: row[4], updatedAt: row[5])
    }

    /// The WHERE clause for a query's filters, with its arguments.
    static func filter(_ q: OrderQuery) -> (String, StatementArguments) {
        var clauses: [String] = []
        var args = StatementArguments()
        if !q.statuses.isEmpty {
            clauses.append("status IN (\(placeholders(q.statuses.count)))")
            args += StatementArguments(q.statuses.map(\.rawValue))
        }
        if !q.outcomes.isEmpty {
            clauses.append("last_outcome IN (\(placeholders(q.outcomes.count)))")
            args += StatementArguments(q.outcomes.map { $0 == "none" ? "" : $0 })
        }
        if let t = q.target {
            clauses.append("last_target = ?")
            args += [t]
        }
        if !q.ids.isEmpty {
            clauses.append("external_id IN (\(placeholders(q.ids.count)))")
            args += StatementArguments(q.ids)
        }
        if let s = q.search, let match = ftsQuery(s) {
            clauses.append("id IN (SELECT rowid FROM orders_search WHERE orders_search MATCH ?)")
            args += [match]
        }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), args)
    }

    static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ",") }

    /// Each word of the search is a prefix that must match; quotes keep
    /// FTS5's own syntax out of the user's text.
    static func ftsQuery(_ text: String) -> String? {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map {
            "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"*"
        }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    public func page(_ q: OrderQuery, after cursor: PageCursor?, limit: Int) throws -> [OrderSummary] {
        var (whereSQL, args) = Self.filter(q)
        let col = q.sort.column
        let dir = q.descending ? "DESC" : "ASC"
        let cmp = q.descending ? "<" : ">"
        if let cursor {
            if q.sort == .externalId {
                whereSQL += " AND external_id \(cmp) ?"
                args += [cursor.externalId]
            } else {
                whereSQL += " AND (\(col), external_id) \(cmp) (?, ?)"
                args += [cursor.sortValue, cursor.externalId]
            }
        }
        let order = q.sort == .externalId ? "external_id \(dir)" : "\(col) \(dir), external_id \(dir)"
        let sql = "SELECT \(OrderSummary.columns) FROM orders WHERE \(whereSQL) ORDER BY \(order) LIMIT \(max(0, limit))"
        return try read { db in try Row.fetchAll(db, sql: sql, arguments: args).map(OrderSummary.init(row:)) }
    }

    public func count(_ q: OrderQuery) throws -> Int {
        let (whereSQL, args) = Self.filter(q)
        return try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM orders WHERE \(whereSQL)", arguments: args) ?? 0 }
    }

    public func forEachOrder(_ q: OrderQuery, _ body: (StoredOrder) throws -> Void) throws {
        var (whereSQL, args) = Self.filter(q)
        whereSQL += " AND external_id > ?"
        var last = ""
        while true {
            let rows = try read { db in
                try Row.fetchAll(db, sql: """
                    SELECT body, version, last_outcome, last_target, created_at, updated_at, status, external_id
                    FROM orders WHERE \(whereSQL) ORDER BY external_id LIMIT 1000
                    """, arguments: args + [last])
            }
            for row in rows { try body(try Self.stored(row)) }
            guard let final = rows.last else { return }
            last = final[7]
        }
    }

    // MARK: Editing

    public func save(_ order: Order, expectedVersion: Int) throws -> StoredOrder {
        try write { db in
            guard let current = try Row.fetchOne(db, sql: "SELECT version, status FROM orders WHERE external_id = ?",
                                                 arguments: [order.externalId]) else {
                throw DocketError("there is no order \(order.externalId) in the store", order: order.externalId)
            }
            let version: Int = current[0]
            let status: String = current[1]
            guard status == OrderStatus.open.rawValue else {
                throw DocketError("order \(order.externalId) is \(status); only OPEN orders can be edited", order: order.externalId)
            }
            guard version == expectedVersion else {
                throw DocketError("order \(order.externalId) was changed by someone else (now version \(version), you edited version \(expectedVersion)); reload it and apply your change again", order: order.externalId)
            }
            let c = OrderColumns(order)
            let now = Self.now()
            try db.execute(sql: """
                UPDATE orders SET status = ?, version = version + 1, imported_from = ?, order_date = ?, customer = ?,
                    email = ?, country = ?, currency = ?, total = ?, item_count = ?, skus = ?, updated_at = ?, body = ?
                WHERE external_id = ?
                """, arguments: [order.status.rawValue, order.importedFrom?.rawValue, order.orderDate ?? "", c.customer,
                                 c.email, c.country, c.currency, c.total, order.items.count, c.skus, now, c.body, order.externalId])
            let row = try Row.fetchOne(db, sql: """
                SELECT body, version, last_outcome, last_target, created_at, updated_at, status
                FROM orders WHERE external_id = ?
                """, arguments: [order.externalId])!
            return try Self.stored(row)
        }
    }
}
