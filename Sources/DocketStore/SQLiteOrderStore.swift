import DocketCore
import Foundation
import GRDB
import GRDBSQLite

/// Docket's store on one SQLite file, in WAL mode so several docket
/// processes (the console, a scheduled submit, an import) share it safely.
public final class SQLiteOrderStore: OrderStoring {
    public let path: String
    let pool: any DatabaseWriter
    /// Opened for reading only: a store whose file or folder this user
    /// cannot write still lists, shows and exports.
    public let readOnly: Bool

    /// How long a writer waits for another process's write to finish. An
    /// import of a million orders holds the lock for seconds, not minutes.
    public static let busyTimeout: TimeInterval = 300

    /// Opens `path` for reading only (no migration, no writes): for the
    /// commands that only read, when the store cannot be written.
    public init(readingOnly path: String) throws {
        self.path = path
        readOnly = true
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(Self.busyTimeout)
        // SQLite reads a WAL store read-only through its -shm file; with
        // none (no writer is at work) and no right to make one, the file is
        // read as it stands.
        let fm = FileManager.default
        let immutable = !fm.fileExists(atPath: path + "-shm") && !fm.fileExists(atPath: path + "-wal")
        let absolute = path.hasPrefix("/") ? path : fm.currentDirectoryPath + "/" + path
        let location = immutable ? "file:\(absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolute)?immutable=1" : path
        do {
            let queue = try DatabaseQueue(path: location, configuration: config)
            guard try queue.read({ try Schema.migrator.hasCompletedMigrations($0) }) else {
                throw DocketError("the store was made by an older docket and needs upgrading, which needs write access to it", file: path)
            }
            pool = queue
        } catch let error as DatabaseError {
            throw DocketError(Self.explain(error), file: path)
        }
    }

    public init(path: String) throws {
        self.path = path
        readOnly = false
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
            // An older Docket leaves a newer store alone rather than guess.
            if try pool.read({ try Schema.migrator.hasBeenSuperseded($0) }) {
                throw DocketError("the store was made by a newer Docket than this one; use that Docket, or a newer one", file: path)
            }
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

    /// The reader (`produce`, on the calling thread) parses and prepares
    /// orders while a writer thread inserts them in one transaction; an error
    /// on either side rolls the whole import back.
    public func importOrders(_ produce: (_ emit: (Order, _ canonicalJSON: [UInt8]?) throws -> Void) throws -> Void) throws -> ImportSummary {
        let channel = ImportChannel()
        let outcome = ImportOutcome()
        let writer = Thread { [self] in
            outcome.result = Result { try self.write { db in try Self.insertAll(from: channel, db) } }
            if case .failure(let error) = outcome.result { channel.fail(error) }
            outcome.done.signal()
        }
        writer.stackSize = 1 << 22
        writer.start()
        do {
            var batch: [PreparedOrder] = []
            batch.reserveCapacity(256)
            try produce { order, json in
                batch.append(PreparedOrder(order, canonicalJSON: json))
                if batch.count == 256 {
                    try channel.send(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try channel.send(batch) }
            channel.close(nil)
        } catch {
            channel.close(error)
            outcome.done.wait()
            throw error
        }
        outcome.done.wait()
        return try outcome.result.get()
    }

    static func insertAll(from channel: ImportChannel, _ db: Database) throws -> ImportSummary {
        try db.execute(sql: "PRAGMA cache_size = -65536")
        // A plain insert, and only for an id already there an update that
        // leaves non-OPEN orders alone: an upsert with RETURNING costs a
        // third more on the common path, a new order.
        let insert = try db.makeStatement(sql: """
            INSERT INTO orders (external_id, status, version, imported_from, order_date, customer, email, country,
                                currency, total, item_count, skus, created_at, updated_at, body)
            VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
            """)
        let update = try db.makeStatement(sql: """
            UPDATE orders SET status = ?2, version = version + 1, imported_from = ?3, order_date = ?4, customer = ?5,
                email = ?6, country = ?7, currency = ?8, total = ?9, item_count = ?10, skus = ?11, updated_at = ?13,
                body = ?14
            WHERE external_id = ?1 AND status = 'OPEN'
            """)
        let now = now()
        var summary = ImportSummary()
        let firstNewId = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) + 1 FROM orders") ?? 1
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS import_replaced(id INTEGER PRIMARY KEY, external_id TEXT, customer TEXT, skus TEXT);
            DELETE FROM temp.import_replaced;
            """)
        // What the search index holds for an order about to be replaced: only
        // rows already indexed (the first such capture wins if one file
        // replaces an order twice); newer rows are indexed at the end anyway.
        let old = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO temp.import_replaced SELECT id, external_id, customer, skus FROM orders
            WHERE external_id = ? AND status = 'OPEN' AND id < ?
            """)
        // Bound through SQLite's own API: GRDB's arguments box every value,
        // which cost more than SQLite's insert itself at a million orders.
        let db3 = db.sqliteConnection
        func run(_ stmt: OpaquePointer, _ p: PreparedOrder) -> Int32 {
            let c = p.columns
            let texts: [String?] = [p.externalId, p.status, p.importedFrom, p.orderDate, c.customer, c.email,
                                    c.country, c.currency, c.total]
            for (i, t) in texts.enumerated() { Self.bindText(stmt, Int32(i + 1), t) }
            sqlite3_bind_int64(stmt, 10, Int64(p.itemCount))
            Self.bindText(stmt, 11, c.skus)
            Self.bindText(stmt, 12, now)
            Self.bindText(stmt, 13, now)
            c.body.withUnsafeBufferPointer { buf in
                _ = sqlite3_bind_text(stmt, 14, UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self),
                                      Int32(buf.count), Self.transient)
            }
            let code = sqlite3_step(stmt)
            sqlite3_reset(stmt)
            return code
        }
        func failure(_ code: Int32) -> DatabaseError {
            DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db3)))
        }
        // New rows join the search index a block at a time while the reader
        // is still parsing, rather than all at the end.
        var indexedUpTo = firstNewId
        let indexNew = try db.makeStatement(sql: """
            INSERT INTO orders_search(rowid, external_id, customer, skus)
                SELECT id, external_id, customer, skus FROM orders WHERE id >= ?
            """)
        while let batch = try channel.receive() {
            if sqlite3_last_insert_rowid(db3) - indexedUpTo >= 65536 {
                try indexNew.execute(arguments: [indexedUpTo])
                indexedUpTo = sqlite3_last_insert_rowid(db3) + 1
            }
            for p in batch {
                let code = run(insert.sqliteStatement, p)
                if code == SQLITE_DONE {
                    summary.added += 1
                    continue
                }
                guard code & 0xFF == SQLITE_CONSTRAINT else { throw failure(code) }
                try old.execute(arguments: [p.externalId, indexedUpTo])
                let updated = run(update.sqliteStatement, p)
                guard updated == SQLITE_DONE else { throw failure(updated) }
                if sqlite3_changes(db3) > 0 {
                    summary.replaced += 1
                } else {
                    summary.keptNotOpenCount += 1
                    if summary.keptNotOpen.count < 100 { summary.keptNotOpen.append(p.externalId) }
                }
            }
        }
        sqlite3_clear_bindings(insert.sqliteStatement)
        sqlite3_clear_bindings(update.sqliteStatement)
        try db.execute(sql: """
            INSERT INTO orders_search(orders_search, rowid, external_id, customer, skus)
                SELECT 'delete', id, external_id, customer, skus FROM temp.import_replaced;
            INSERT INTO orders_search(rowid, external_id, customer, skus)
                SELECT id, external_id, customer, skus FROM orders
                WHERE id >= ?1 OR id IN (SELECT id FROM temp.import_replaced);
            DELETE FROM temp.import_replaced;
            """, arguments: [indexedUpTo])
        return summary
    }

    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    @inline(__always) static func bindText(_ stmt: OpaquePointer, _ index: Int32, _ text: String?) {
        guard var text else { sqlite3_bind_null(stmt, index); return }
        text.withUTF8 { buf in
            guard let base = buf.baseAddress, buf.count > 0 else {
                _ = sqlite3_bind_text(stmt, index, "", 0, transient)
                return
            }
            _ = sqlite3_bind_text(stmt, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                  Int32(buf.count), transient)
        }
    }

    // MARK: Reading

    public func order(externalId: String) throws -> StoredOrder? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT body, version, last_outcome, last_target, created_at, updated_at, status
                FROM orders WHERE external_id = ?
                """, arguments: [externalId]) else { return nil }
            var stored = try Self.stored(row)
            stored.targets = try Row.fetchAll(db, sql: """
                SELECT ot.target, b.dialect, ot.outcome, ot.batch_id, ot.version, ot.hold, ot.updated_at
                FROM order_targets ot LEFT JOIN batches b ON b.id = ot.batch_id
                WHERE ot.external_id = ? ORDER BY ot.updated_at DESC, ot.target
                """, arguments: [externalId]).map { r in
                TargetOutcome(target: r[0], dialect: (r[1] as String?).flatMap(Dialect.init(rawValue:)),
                              outcome: Outcome(rawValue: r[2]) ?? .unknown, batch: r[3], version: r[4], held: r[5], at: r[6])
            }
            return stored
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
        let col = q.sort.column
        let dir = q.descending ? "DESC" : "ASC"
        let cmp = (q.descending ? "<" : ">") + (inclusive ? "=" : "")
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

    // MARK: Editing

    public func history(of externalId: String) throws -> [OrderChange] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT version, at, store_user, os_user, source, changes FROM order_versions WHERE external_id = ? ORDER BY version
                """, arguments: [externalId]).map { r in
                OrderChange(version: r[0], at: r[1], storeUser: r[2], osUser: r[3], source: r[4], fields: OrderChange.decode(r[5]))
            }
        }
    }

    public func save(_ order: Order, expectedVersion: Int, source: String) throws -> StoredOrder {
        try write { db in
            guard let current = try Row.fetchOne(db, sql: "SELECT version, status, body FROM orders WHERE external_id = ?",
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
                INSERT INTO orders_search(orders_search, rowid, external_id, customer, skus)
                    SELECT 'delete', id, external_id, customer, skus FROM orders WHERE external_id = ?
                """, arguments: [order.externalId])
            try db.execute(sql: """
                UPDATE orders SET status = ?, version = version + 1, imported_from = ?, order_date = ?, customer = ?,
                    email = ?, country = ?, currency = ?, total = ?, item_count = ?, skus = ?, updated_at = ?, body = ?
                WHERE external_id = ?
                """, arguments: [order.status.rawValue, order.importedFrom?.rawValue, order.orderDate ?? "", c.customer,
                                 c.email, c.country, c.currency, c.total, order.items.count, c.skus, now,
                                 String(decoding: c.body, as: UTF8.self), order.externalId])
            try db.execute(sql: """
                INSERT INTO orders_search(rowid, external_id, customer, skus)
                    SELECT id, external_id, customer, skus FROM orders WHERE external_id = ?
                """, arguments: [order.externalId])
            let row = try Row.fetchOne(db, sql: """
                SELECT body, version, last_outcome, last_target, created_at, updated_at, status
                FROM orders WHERE external_id = ?
                """, arguments: [order.externalId])!
            let saved = try Self.stored(row)
            let before = (try? CanonicalCodec.decode(try JSONParser.parse(Array((current[2] as String).utf8)))) ?? order
            let user = OrderChange.currentOSUser
            try db.execute(sql: """
                INSERT OR REPLACE INTO order_versions (external_id, version, at, store_user, os_user, source, changes)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [order.externalId, saved.version, now, user, user, source,
                                 OrderChange.encode(OrderFields.diff(from: before, to: saved.order))])
            return saved
        }
    }
}
