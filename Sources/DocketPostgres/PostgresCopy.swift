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
        case .bytes: "bytea"
        }
    }

    public func rows(of table: StoreTable, after: [JSONValue]?, limit: Int) throws -> [JSONObject] {
        let object = "json_build_object(" + table.columns.map { c in
            "'\(c.name)', " + (c.kind == .bytes ? "encode(\(c.name), 'hex')" : c.name)
        }.joined(separator: ", ") + ")::text"
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
        // Bytes come as hexadecimal text.
        let record = table.columns.map { "\($0.name) \($0.kind == .bytes ? "text" : Self.sqlType($0.kind))" }.joined(separator: ", ")
        let values = table.columns.map { $0.kind == .bytes ? "decode(\($0.name), 'hex')" : $0.name }.joined(separator: ", ")
        try link.transaction {
            try link.query("""
                INSERT INTO \(table.name) (\(table.names.joined(separator: ", ")))
                SELECT \(values) FROM jsonb_to_recordset(\(list)::jsonb) AS x(\(record))
                """, a)
            // Orders get their search words, which a copy does not carry.
            if table.name == "orders" {
                var s = SQLArgs()
                try PostgresSchema.setSearch(link, try link.query("""
                    SELECT external_id, customer, skus FROM orders WHERE external_id = ANY(\(s.add(rows.compactMap { $0["external_id"]?.stringValue })))
                    """, s))
            }
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
            // A partitioned table's size is its partitions'.
            if let size = try link.query("""
                SELECT coalesce(sum(pg_total_relation_size(relid)), 0)::bigint FROM pg_partition_tree(\(a.add(t.name))::regclass)
                """, a).first?[0].decode(Int64.self, context: .default) {
                sizes.append((name: t.name, bytes: size))
            }
        }
        if let db = try link.query("SELECT pg_database_size(current_database())").first?[0].decode(Int64.self, context: .default) {
            sizes.insert((name: "database", bytes: db), at: 0)
        }
        let version = try link.query("SELECT max(version) FROM docket_schema").first?.optionalInt(0) ?? 0
        // Whether this connection is encrypted, as the server sees it.
        let ssl = try link.query("SELECT ssl, coalesce(version, '') FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first
        let encrypted = try ssl?.bool(0) == true ? "encrypted (\(try ssl?.text(1) ?? "TLS"))" : "not encrypted"
        var info = StoreInfo(backend: "PostgreSQL", location: link.url.description, schema: "version \(version) of \(PostgresSchema.steps.count)",
                         rows: rows, sizes: sizes)
        info.connection = encrypted
        return info
    }
}

extension PostgresOrderStore: BodyPruning {
    /// Months whose batches all finished before `before` go whole (their
    /// partition dropped); the rest a few hundred rows per statement, each
    /// its own short transaction, so no console or running batch (whose
    /// rows these are not) waits for it.
    public func prune(before: String, dryRun: Bool) throws -> PruneReport {
        let day = String(Self.now().prefix(10))
        var a = SQLArgs()
        let old = "SELECT id FROM batches WHERE finished_at IS NOT NULL AND finished_at < \(a.add(before))"
        let row = try link.query("""
            SELECT count(DISTINCT r.batch_id)::int, count(*)::int, coalesce(sum(octet_length(b.request) + octet_length(b.response)), 0)::bigint
            FROM requests r JOIN request_bodies b ON b.request_id = r.id WHERE r.batch_id IN (\(old))
            """, a).first
        var report = PruneReport(batches: try row?.int(0) ?? 0, requests: try row?.int(1) ?? 0,
                                 bytes: try row?[2].decode(Int64.self, context: .default) ?? 0)
        guard !dryRun else { return report }
        var done = 0
        for month in try prunableMonths(before: before) {
            let bodies = try link.query("SELECT count(*)::int FROM \(Self.partition(month))").first?.int(0) ?? 0
            if try dropMonth(month, before: before, day: day) {
                report.months.append(month)
                done += bodies
            }
        }
        while true {
            var u = SQLArgs()
            let changed = try link.query("""
                WITH ids AS (
                    SELECT r.id FROM requests r JOIN request_bodies b ON b.request_id = r.id
                    WHERE r.batch_id IN (SELECT id FROM batches WHERE finished_at IS NOT NULL AND finished_at < \(u.add(before))) LIMIT 500),
                lines AS (UPDATE requests SET pruned = \(u.add(day)) WHERE id IN (SELECT id FROM ids))
                DELETE FROM request_bodies WHERE request_id IN (SELECT id FROM ids) RETURNING 1
                """, u).count
            done += changed
            if changed == 0 { break }
        }
        report.requests = done
        return report
    }
}
