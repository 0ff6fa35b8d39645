import DocketCore
import DocketStore
import Foundation

/// One order of N item lines (300,000 by default): with N distinct SKUs,
/// and, as the baseline in the same run, with one SKU repeated N times.
/// Import should cost the same for both (linear in the lines); the ratio
/// says whether anything grows with the distinct codes.
struct WideOrderBenchmark {
    var items: Int

    func run() throws {
        try withTemporaryDirectory { dir in
            var times: [String: Double] = [:]
            for distinct in [false, true] {
                let file = dir.appendingPathComponent("wide-\(distinct).json").path
                var lines: [String] = []
                lines.reserveCapacity(items)
                for i in 0..<items { lines.append("{\"sku\":\"\(distinct ? "SKU-\(i)" : "SKU-1")\",\"quantity\":1}") }
                try Data(("{\"externalId\":\"WIDE\",\"items\":[" + lines.joined(separator: ",") + "]}").utf8).write(to: URL(fileURLWithPath: file))
                let store = try SQLiteOrderStore(path: dir.appendingPathComponent("wide-\(distinct).sqlite").path)
                times[distinct ? "distinct" : "repeated"] = try seconds {
                    _ = try store.importOrders { emit in try OrderFileReader().read(path: file, format: .docket, emit) }
                }
            }
            report("import_wide.distinct_skus_seconds", times["distinct"]!, "s")
            report("import_wide.repeated_sku_seconds", times["repeated"]!, "s")
            report("import_wide.distinct_over_repeated", times["distinct"]! / times["repeated"]!, "ratio")
        }
    }
}
