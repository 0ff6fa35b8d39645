import DocketCore
import Foundation
import GRDB
import GRDBSQLite

/// Importing: a reader thread prepares orders while a writer thread
/// inserts them, in one transaction per file.
extension SQLiteOrderStore {
    /// The reader (`produce`, on the calling thread) parses and prepares
    /// orders while a writer thread inserts them in one transaction; an error
    /// on either side rolls the whole import back.
    public func importOrders(_ produce: (_ emit: (Order, _ canonicalJSON: [UInt8]?) throws -> Void) throws -> Void) throws -> ImportSummary {
        try ImportPipeline.run(produce) { [self] channel in
            try self.write { db in try Self.insertAll(from: channel, db) }
        }
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
        // The version and body an import replaces, for its history entry.
        let current = try db.makeStatement(sql: "SELECT version, body FROM orders WHERE external_id = ? AND status = 'OPEN'")
        let history = try db.makeStatement(sql: """
            INSERT OR REPLACE INTO order_versions (external_id, version, at, store_user, os_user, source, changes)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let user = OrderChange.currentOSUser
        // Replaced orders of a block, written once their changes are told.
        var replaced: [(id: String, version: Int, stored: String, imported: [UInt8])] = []
        func recordReplaced() throws {
            let changes = OrderChange.importChanges(replaced.map { ($0.stored, $0.imported) })
            summary.replacedUnchanged += changes.filter(\.isEmpty).count
            for (r, fields) in zip(replaced, changes) {
                try history.execute(arguments: [r.id, r.version, now, user, user, OrderChange.importSource, OrderChange.encode(fields)])
            }
            replaced.removeAll(keepingCapacity: true)
        }
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
                let replacing = try Row.fetchOne(current, arguments: [p.externalId])
                let updated = run(update.sqliteStatement, p)
                guard updated == SQLITE_DONE else { throw failure(updated) }
                if sqlite3_changes(db3) > 0 {
                    summary.replaced += 1
                    guard let replacing else { continue }
                    replaced.append((p.externalId, replacing[0] + 1, replacing[1], p.columns.body))
                } else {
                    summary.keptNotOpenCount += 1
                    if summary.keptNotOpen.count < 100 { summary.keptNotOpen.append(p.externalId) }
                }
            }
            try recordReplaced()
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
}
