import DocketCore
import Foundation
import GRDB

/// The SQLite store's side of `docket store copy` and `docket store info`.
extension SQLiteOrderStore: StoreCopying {
    public func rows(of table: StoreTable, after: [JSONValue]?, limit: Int) throws -> [JSONObject] {
        let object = "json_object(" + table.columns.map { c in
            "'\(c.name)', " + (c.kind == .bytes ? "hex(\(c.name))" : c.name)
        }.joined(separator: ", ") + ")"
        var sql = "SELECT \(object) FROM \(table.name)"
        var args = StatementArguments()
        if let after {
            sql += " WHERE (\(table.key.joined(separator: ", "))) > (\(Self.placeholders(table.keyCount)))"
            for v in after { args += [Self.databaseValue(v)] }
        }
        sql += " ORDER BY \(table.key.joined(separator: ", ")) LIMIT \(max(0, limit))"
        return try read { db in
            try String.fetchAll(db, sql: sql, arguments: args).map { text in
                table.normalized((try? JSONParser.parse(Array(text.utf8)))?.objectValue ?? JSONObject())
            }
        }
    }

    static func databaseValue(_ v: JSONValue) -> DatabaseValue {
        switch v {
        case .string(let s): s.databaseValue
        case .number(let n): (Int64(n).map { $0.databaseValue }) ?? (Double(n) ?? 0).databaseValue
        case .bool(let b): (b ? 1 : 0).databaseValue
        default: .null
        }
    }

    public func insert(_ rows: [JSONObject], into table: StoreTable) throws {
        guard !rows.isEmpty else { return }
        if table.columns.contains(where: { $0.kind == .bytes }) { return try insertBytes(rows, into: table) }
        let list = JSONWriter.string(.array(rows.map { .object(table.normalized($0)) }))
        let values = table.columns.map { c in
            c.kind == .bool ? "CASE json_extract(value, '$.\(c.name)') WHEN 1 THEN 1 ELSE 0 END" : "json_extract(value, '$.\(c.name)')"
        }.joined(separator: ", ")
        try write { db in
            let before = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM orders") ?? 0
            try db.execute(sql: "INSERT INTO \(table.name) (\(table.names.joined(separator: ", "))) SELECT \(values) FROM json_each(?)",
                           arguments: [list])
            // The search index follows the orders it was given.
            if table.name == "orders" {
                try db.execute(sql: """
                    INSERT INTO orders_search(rowid, external_id, customer, skus) SELECT id, external_id, customer, skus FROM orders WHERE id > ?
                    """, arguments: [before])
            }
        }
    }

    /// Rows with bytes (hexadecimal in the copy), one statement each:
    /// SQLite's JSON functions cannot make a blob.
    func insertBytes(_ rows: [JSONObject], into table: StoreTable) throws {
        try write { db in
            let statement = try db.makeStatement(sql: """
                INSERT INTO \(table.name) (\(table.names.joined(separator: ", "))) VALUES (\(Self.placeholders(table.columns.count)))
                """)
            for row in rows {
                let values = table.columns.map { c -> DatabaseValue in
                    let v = row[c.name] ?? .null
                    if c.kind == .bytes, let hex = v.stringValue { return Data(Hex.bytes(hex) ?? []).databaseValue }
                    return Self.databaseValue(v)
                }
                try statement.execute(arguments: StatementArguments(values))
            }
        }
    }

    public func info() throws -> StoreInfo {
        try read { db in
            var rows: [String: Int] = [:]
            for t in StoreTable.all { rows[t.name] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(t.name)") ?? 0 }
            let applied = try Schema.migrator.appliedIdentifiers(db)
            var sizes: [(name: String, bytes: Int64)] = []
            for suffix in ["", "-wal"] {
                if let size = (try? FileManager.default.attributesOfItem(atPath: path + suffix))?[.size] as? NSNumber {
                    sizes.append((name: suffix.isEmpty ? "file" : "write-ahead log", bytes: size.int64Value))
                }
            }
            // What each table takes, where SQLite can say (its dbstat table).
            if let parts = try? Row.fetchAll(db, sql: "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC") {
                for p in parts.prefix(12) { sizes.append((name: p[0], bytes: p[1])) }
            }
            return StoreInfo(backend: "SQLite", location: path, schema: applied.sorted().last ?? "none", rows: rows, sizes: sizes)
        }
    }
}

extension SQLiteOrderStore: BodyPruning {
    public func prune(before: String, dryRun: Bool) throws -> PruneReport {
        let day = String(Self.now().prefix(10))
        let old = "SELECT id FROM batches WHERE finished_at IS NOT NULL AND finished_at < ?"
        var report = try read { db -> PruneReport in
            let row = try Row.fetchOne(db, sql: """
                SELECT count(DISTINCT r.batch_id), count(*), coalesce(sum(length(b.request) + length(b.response)), 0)
                FROM requests r JOIN request_bodies b ON b.request_id = r.id WHERE r.batch_id IN (\(old))
                """, arguments: [before])
            return PruneReport(batches: row?[0] ?? 0, requests: row?[1] ?? 0, bytes: row?[2] ?? 0)
        }
        guard !dryRun else { return report }
        // A few hundred at a time: each write is short, so other processes
        // (a console, a batch being sent) never wait long for the store.
        var done = 0
        while true {
            let changed = try write { db -> Int in
                let ids = try Int64.fetchAll(db, sql: """
                    SELECT r.id FROM requests r JOIN request_bodies b ON b.request_id = r.id WHERE r.batch_id IN (\(old)) LIMIT 500
                    """, arguments: [before])
                guard !ids.isEmpty else { return 0 }
                let list = ids.map(String.init).joined(separator: ",")
                try db.execute(sql: "UPDATE requests SET pruned = ? WHERE id IN (\(list))", arguments: [day])
                try db.execute(sql: "DELETE FROM request_bodies WHERE request_id IN (\(list))")
                return ids.count
            }
            done += changed
            if changed == 0 { break }
        }
        report.requests = done
        return report
    }
}
