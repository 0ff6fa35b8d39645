import DocketCore
import DocketPostgres
import DocketStore
import Foundation

/// Docket's benchmarks. Each prints JSON lines {"name","value","unit"}.
/// Run: swift run -c release docket-bench [NAME] [--orders N] [--store postgresql://USER@HOST:PORT/DB]
/// [--dialect NAME] (validate: one dialect only, to profile it)
/// (with a PostgreSQL server, import, submit and console measure a
/// PostgreSQL store too, and pgbench says what that server can do).
let arguments = Array(CommandLine.arguments.dropFirst())
let ordersFlag = arguments.firstIndex(of: "--orders").flatMap { i in i + 1 < arguments.count ? Int(arguments[i + 1]) : nil }

func value(of flag: String) -> String? {
    arguments.firstIndex(of: flag).flatMap { i in i + 1 < arguments.count ? arguments[i + 1] : nil }
}
let storeFlag = value(of: "--store")
let dialectFlag = value(of: "--dialect")
let names = arguments.enumerated().filter { i, a in
    !a.hasPrefix("--") && Int(a) == nil && (i == 0 || !["--store", "--dialect"].contains(arguments[i - 1]))
}.map(\.element)

let benchmarks: [String: () async throws -> Void] = [
    "import": { try ImportBenchmark(orders: ordersFlag ?? 1_000_000).run() },
    "import-wide": { try WideOrderBenchmark(items: ordersFlag ?? 300_000).run() },
    "import-phases": { try ImportPhasesBenchmark(orders: ordersFlag ?? 100_000).run() },
    "validate": {
        let dialects = try dialectFlag.map { name in
            guard let d = Dialect(rawValue: name) else { throw DocketError("--dialect: no dialect \"\(name)\" (have: \(Dialect.allCases.map(\.rawValue).joined(separator: ", ")))") }
            return [d]
        } ?? Dialect.allCases
        try ValidateBenchmark(orders: ordersFlag ?? 100_000, dialects: dialects).run()
    },
    "submit": { try await SubmitBenchmark(orders: ordersFlag ?? 100_000).run() },
    "pace": { try await PaceBenchmark(orders: ordersFlag ?? 20_000).run() },
    "console": { try ConsoleBenchmark(orders: ordersFlag ?? 1_000_000, storePath: storeFlag).run() },
    "pgbench": {
        guard let server = PostgresBench.server else { throw DocketError("pgbench needs --store postgresql://USER@HOST:PORT/DB") }
        try PostgresBench.pgbenchBaseline(server)
    },
]

let selected = names.isEmpty ? benchmarks.keys.sorted() : names
for name in selected {
    guard let bench = benchmarks[name] else {
        FileHandle.standardError.write(Data("docket-bench: no benchmark \"\(name)\" (have: \(benchmarks.keys.sorted().joined(separator: ", ")))\n".utf8))
        exit(1)
    }
    do { try await bench() } catch {
        FileHandle.standardError.write(Data("docket-bench: \(name) failed: \(error)\n".utf8))
        exit(1)
    }
}
