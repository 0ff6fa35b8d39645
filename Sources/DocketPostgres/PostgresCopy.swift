import DocketCore
import Foundation
import PostgresNIO

/// The PostgreSQL store's side of `docket store copy` and `docket store info`.
extension PostgresOrderStore: StoreCopying {
    static func sqlType(_ kind: StoreTable.Kind) -> String {
        switch kind {
        case .text: "text"
        case .int: "bigint"
        case .real: "double precision"
        case .bool: "boolean"
        }
    }

    public func rows(of table: StoreTable, after: [JSONValue]?, limit: Int) throws -> [JSONObject] {
        let object = "json_build_object(" + table.names.map { "'\($0)', \($0)" }.joined(separator: ", ") + ")::text"
        var a = SQLArgs()
        var sql = "SELECT \(object) FROM \(table.name)"
        if let after {
            let values = zip(after, table.columns).map { v, c -> String in
                switch v {
                case .string(let s): return a.add(s) + "::" + Self.sqlType(c.kind)
                case .number(let n): return a.add(n) + "::" + Self.sqlType(c.kind)
                default: return "NULL"
                }
            }
            sql += " WHERE (\(table.key.joined(separator: ", "))) > (\(values.joined(separator: ", ")))"
        }
        sql += " ORDER BY \(table.key.joined(separator: ", ")) LIMIT \(max(0, limit))"
        return try link.query(sql, a).map { r in
            table.normalized((try? JSONParser.parse(Array(try r.text(0).utf8)))?.objectValue ?? JSONObject())
        }
    }

    public func insert(_ rows: [JSONObject], into table: StoreTable) throws {
        guard !rows.isEmpty else { return }
        var a = SQLArgs()
        let list = a.add(JSONWriter.string(.array(rows.map { .object(table.normalized($0)) })))
        let record = table.columns.map { "\($0.name) \(Self.sqlType($0.kind))" }.joined(separator: ", ")
        try link.transaction {
            try link.query("""
                INSERT INTO \(table.name) (\(table.names.joined(separator: ", ")))
                SELECT \(table.names.joined(separator: ", ")) FROM jsonb_to_recordset(\(list)::jsonb) AS x(\(record))
                """, a)
            // Ids given keep their numbers; the next one made follows them.
            if table.name == "requests" {
                try link.query("SELECT setval(pg_get_serial_sequence('requests', 'id'), (SELECT coalesce(max(id), 1) FROM requests))")
            }
        }
    }

    public func info() throws -> StoreInfo {
        var rows: [String: Int] = [:]
        var sizes: [(name: String, bytes: Int64)] = []
        for t in StoreTable.all {
            rows[t.name] = try link.query("SELECT count(*)::int FROM \(t.name)").first?.int(0) ?? 0
            var a = SQLArgs()
            if let size = try link.query("SELECT pg_total_relation_size(\(a.add(t.name))::regclass)", a).first?[0].decode(Int64.self, context: .default) {
                sizes.append((name: t.name, bytes: size))
            }
        }
        if let db = try link.query("SELECT pg_database_size(current_database())").first?[0].decode(Int64.self, context: .default) {
            sizes.insert((name: "database", bytes: db), at: 0)
        }
        let version = try link.query("SELECT max(version) FROM docket_schema").first?.optionalInt(0) ?? 0
        return StoreInfo(backend: "PostgreSQL", location: link.url.description, schema: "version \(version) of \(PostgresSchema.steps.count)",
                         rows: rows, sizes: sizes)
    }
}

extension PostgresOrderStore: BodyPruning {
    public func prune(before: String, dryRun: Bool) throws -> PruneReport {
        let marker = PruneReport.marker(String(Self.now().prefix(10)))
        var a = SQLArgs()
        let old = "SELECT id FROM batches WHERE finished_at IS NOT NULL AND finished_at < \(a.add(before))"
        let row = try link.query("""
            SELECT count(DISTINCT batch_id)::int, count(*)::int, coalesce(sum(octet_length(request_body) + octet_length(response_body)), 0)::bigint
            FROM requests WHERE batch_id IN (\(old)) AND request_body NOT LIKE '(body dropped by docket prune%'
            """, a).first
        var report = PruneReport(batches: try row?.int(0) ?? 0, requests: try row?.int(1) ?? 0,
                                 bytes: try row?[2].decode(Int64.self, context: .default) ?? 0)
        guard !dryRun else { return report }
        // Short transactions of a few hundred rows: PostgreSQL's row locks
        // never hold up a console or a running batch (whose rows these are not).
        var done = 0
        while true {
            var u = SQLArgs()
            let marked = u.add(marker)
            let since = u.add(before)
            let changed = try link.query("""
                UPDATE requests SET request_body = \(marked), response_body = ''
                WHERE id IN (SELECT id FROM requests WHERE batch_id IN (SELECT id FROM batches WHERE finished_at IS NOT NULL AND finished_at < \(since))
                             AND request_body NOT LIKE '(body dropped by docket prune%' LIMIT 500)
                RETURNING 1
                """, u).count
            done += changed
            if changed == 0 { break }
        }
        report.requests = done
        return report
    }
}
