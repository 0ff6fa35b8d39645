import DocketCore
import DocketStore
import Foundation

/// Where import time goes: reading, parsing, decoding, encoding the stored
/// body, and the store, each measured cumulatively on the same file.
struct ImportPhasesBenchmark {
    var orders: Int

    func run() throws {
        try withTemporaryDirectory(run(in:))
    }

    func run(in dir: URL) throws {
        let file = dir.appendingPathComponent("orders-\(orders).jsonl").path
        try ImportBenchmark(orders: orders).writeFiles(jsonl: file, csv: dir.appendingPathComponent("orders-\(orders).csv").path)
        var n = 0
        report("phases.scan", try seconds {
            var s = try JSONObjectStream(path: file)
            while let e = try s.next() { n += e.bytes.count }
        }, "s")
        report("phases.parse", try seconds {
            var s = try JSONObjectStream(path: file)
            while let e = try s.next() { if case .object = try JSONParser.parse(e.bytes) { n += 1 } }
        }, "s")
        var sample: [Order] = []
        report("phases.decode", try seconds {
            try OrderFileReader().read(path: file, format: .docket) { o, _ in n += o.items.count; if sample.count < 1 { sample.append(o) } }
        }, "s")
        report("phases.encode", try seconds {
            try OrderFileReader().read(path: file, format: .docket) { o, _ in n += JSONWriter.data(CanonicalCodec.encode(o)).count }
        }, "s")
        let dbPath = dir.appendingPathComponent("phases.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dbPath + suffix) }
        let store = try SQLiteOrderStore(path: dbPath)
        if let sql = ProcessInfo.processInfo.environment["PHASE_SQL"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            p.arguments = [dbPath, sql]
            try p.run(); p.waitUntilExit()
        }
        report("phases.store", try seconds {
            _ = try store.importOrders { emit in try OrderFileReader().read(path: file, format: .docket, emit) }
        }, "s")
        if n == 42 { print("") }
    }
}
