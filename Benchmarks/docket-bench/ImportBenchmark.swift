import DocketCore
import DocketPostgres
import DocketStore
import Foundation

/// Imports N generated orders with 3 items each from one Docket-format file
/// into a new store, through the same reader and store as `docket import`.
/// Baseline in the same run: the sqlite3 tool loading N flat order rows.
struct ImportBenchmark {
    var orders: Int

    func run() throws {
        try withTemporaryDirectory(run(in:))
    }

    func run(in dir: URL) throws {
        let file = dir.appendingPathComponent("orders-\(orders).jsonl").path
        let csv = dir.appendingPathComponent("orders-\(orders).csv").path
        try writeFiles(jsonl: file, csv: csv)
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        report("import.file_size", Double(size) / 1_048_576, "MiB")

        let baseRSS = currentResidentMB()
        let storePath = dir.appendingPathComponent("docket.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: storePath + suffix) }
        let store = try SQLiteOrderStore(path: storePath)
        let (summary, elapsed) = try timedImport(file, into: store)
        guard summary.added == orders else { throw DocketError("imported \(summary.added) of \(orders) orders") }
        report("import.seconds", elapsed, "s")
        report("import.orders_per_second", Double(orders) / elapsed, "orders/s")
        report("import.peak_rss_growth", peakResidentMB() - baseRSS, "MiB")

        if let sqlite3 = which("sqlite3") {
            let db = dir.appendingPathComponent("baseline.sqlite").path
            try? FileManager.default.removeItem(atPath: db)
            let schema = "CREATE TABLE orders(external_id TEXT PRIMARY KEY, status TEXT, order_date TEXT, customer TEXT, email TEXT, country TEXT, currency TEXT, total TEXT, item_count INTEGER, skus TEXT);"
            let baseline = try seconds {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: sqlite3)
                p.arguments = [db, schema, ".mode csv", ".import \(csv) orders"]
                try p.run()
                p.waitUntilExit()
            }
            report("import.baseline_sqlite3_seconds", baseline, "s")
            report("import.ratio_to_sqlite3", elapsed / baseline, "x")

            // The floor for Docket's own schema: sqlite3 copying the rows
            // Docket stored (same bytes, indexes, search index, WAL, one
            // transaction) into a new store, with no parsing at all.
            let floorPath = dir.appendingPathComponent("floor.sqlite").path
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: floorPath + suffix) }
            _ = try SQLiteOrderStore(path: floorPath)
            let columns = "external_id, status, version, imported_from, order_date, customer, email, country, currency, total, item_count, skus, last_outcome, last_target, last_batch, created_at, updated_at, body"
            let floor = try seconds {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: sqlite3)
                p.arguments = [floorPath, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; ATTACH '\(storePath)' AS src; BEGIN IMMEDIATE; INSERT INTO orders (\(columns)) SELECT \(columns) FROM src.orders ORDER BY id; INSERT INTO orders_search(rowid, external_id, customer, skus) SELECT id, external_id, customer, skus FROM orders; COMMIT;"]
                try p.run()
                p.waitUntilExit()
            }
            report("import.floor_sqlite3_same_schema_seconds", floor, "s")
            report("import.ratio_to_same_schema_floor", elapsed / floor, "x")
        }

        // The same file into a new PostgreSQL store, with the SQLite import
        // above as its baseline (goal: at most twice as long).
        if let server = PostgresBench.server {
            try PostgresBench.withDatabase(server) { url in
                let store = try PostgresOrderStore(url: url)
                defer { store.close() }
                resetPeakResident()
                let base = currentResidentMB()
                let (pg, pgElapsed) = try timedImport(file, into: store)
                guard pg.added == orders else { throw DocketError("PostgreSQL took \(pg.added) of \(orders) orders") }
                report("import.postgres.seconds", pgElapsed, "s")
                report("import.postgres.orders_per_second", Double(orders) / pgElapsed, "orders/s")
                report("import.postgres.peak_rss_growth", peakResidentMB() - base, "MiB")
                report("import.postgres.ratio_to_sqlite_import", pgElapsed / elapsed, "x")
            }
            try PostgresBench.pgbenchBaseline(server)
        }
    }

    /// The file into the store as `docket import` reads it, and how long it took.
    func timedImport(_ file: String, into store: any OrderStoring) throws -> (ImportSummary, Double) {
        var summary = ImportSummary()
        let elapsed = try seconds {
            summary = try store.importOrders { emit in try OrderFileReader().read(path: file, format: .docket, emit) }
        }
        return (summary, elapsed)
    }

    /// Writes the orders as JSON Lines and the same orders as flat CSV rows,
    /// a chunk at a time so the benchmark itself holds little in memory.
    func writeFiles(jsonl: String, csv: String) throws {
        // A kept folder (DOCKET_BENCH_KEEP) reuses the files of a run before.
        if FileManager.default.fileExists(atPath: jsonl) && FileManager.default.fileExists(atPath: csv) { return }
        _ = FileManager.default.createFile(atPath: jsonl, contents: nil)
        _ = FileManager.default.createFile(atPath: csv, contents: nil)
        let j = FileHandle(forWritingAtPath: jsonl)!, c = FileHandle(forWritingAtPath: csv)!
        defer { try? j.close(); try? c.close() }
        var generator = OrderGenerator(seed: 2026, itemsPerOrder: 3...3, lean: true)
        var jbuf: [UInt8] = [], cbuf = ""
        for i in 0..<orders {
            let o = generator.order(i)
            var w = JSONWriter()
            w.write(CanonicalCodec.encode(o))
            jbuf.append(contentsOf: w.bytes)
            jbuf.append(0x0A)
            cbuf += CSV.row([o.externalId, o.status.rawValue, o.orderDate ?? "", o.customer?.displayName ?? "",
                             o.customer?.email ?? "", o.shippingAddress?.country ?? "", o.currency ?? "",
                             o.total.map(DecimalText.format) ?? "", String(o.items.count),
                             o.items.compactMap(\.sku).joined(separator: " ")])
            if jbuf.count > 1 << 22 {
                j.write(Data(jbuf)); jbuf.removeAll(keepingCapacity: true)
                c.write(Data(cbuf.utf8)); cbuf = ""
            }
        }
        j.write(Data(jbuf))
        c.write(Data(cbuf.utf8))
    }
}
