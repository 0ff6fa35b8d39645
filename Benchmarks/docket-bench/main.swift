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

/// Each benchmark with what it measures (its line in `--help`).
struct Benchmark {
    var summary: String
    var run: () async throws -> Void
}

let benchmarks: [String: Benchmark] = [
    "import": Benchmark(summary: "docket import of 1,000,000 orders x 3 items, against sqlite3 writing the same rows") {
        try ImportBenchmark(orders: ordersFlag ?? 1_000_000).run()
    },
    "import-wide": Benchmark(summary: "one order of 300,000 item lines, distinct SKUs against one repeated SKU") {
        try WideOrderBenchmark(items: ordersFlag ?? 300_000).run()
    },
    "import-phases": Benchmark(summary: "the import's reader stages one by one (scan, parse, decode, re-encode, store)") {
        try ImportPhasesBenchmark(orders: ordersFlag ?? 100_000).run()
    },
    "validate": Benchmark(summary: "local validation per dialect on one core, against encoding alone") {
        let dialects = try dialectFlag.map { name in
            guard let d = Dialect(rawValue: name) else { throw DocketError("--dialect: no dialect \"\(name)\" (have: \(Dialect.allCases.map(\.rawValue).joined(separator: ", ")))") }
            return [d]
        } ?? Dialect.allCases
        try ValidateBenchmark(orders: ordersFlag ?? 100_000, dialects: dialects).run()
    },
    "submit": Benchmark(summary: "docket submit of 100,000 orders to the sandbox, against wrk on the same endpoint") {
        try await SubmitBenchmark(orders: ordersFlag ?? 100_000).run()
    },
    "pace": Benchmark(summary: "sending against a slow and a rate-limiting sandbox, against the ideal pace") {
        try await PaceBenchmark(orders: ordersFlag ?? 20_000).run()
    },
    "console": Benchmark(summary: "first frame (warm and cold) and key latencies on a 1,000,000-order store, against sqlite3 and tmux") {
        try ConsoleBenchmark(orders: ordersFlag ?? 1_000_000, storePath: storeFlag).run()
    },
    "pgbench": Benchmark(summary: "what the PostgreSQL server given with --store can do on its own") {
        guard let server = PostgresBench.server else { throw DocketError("pgbench needs --store postgresql://USER@HOST:PORT/DB") }
        try PostgresBench.pgbenchBaseline(server)
    },
]

let knownFlags: Set<String> = ["--orders", "--store", "--dialect"]
if arguments.contains(where: { $0 == "--help" || $0 == "-h" || $0 == "help" }) {
    print("""
    USAGE: docket-bench [NAME ...] [--orders N] [--dialect NAME] [--store postgresql://USER@HOST:PORT/DB]

    Runs Docket's benchmarks and prints one JSON object per line: {"name", "value", "unit"}.
    Each measures its baseline in the same run, so compare ratios across changes.
    Build it in release: swift run -c release docket-bench NAME. With no NAME, runs all of them (long).

    BENCHMARKS:
    \(benchmarks.sorted { $0.key < $1.key }.map { name, bench in
        "  " + name.padding(toLength: 15, withPad: " ", startingAt: 0) + bench.summary
    }.joined(separator: "\n"))

    OPTIONS:
      --orders N        how many orders (each benchmark has its own default)
      --dialect NAME    validate: one dialect only (\(Dialect.allCases.map(\.rawValue).joined(separator: ", ")))
      --store URL       also measure a PostgreSQL store (import, submit, console) and run pgbench
    """)
    exit(0)
}
if let unknown = arguments.first(where: { $0.hasPrefix("-") && !knownFlags.contains($0) }) {
    FileHandle.standardError.write(Data("docket-bench: unknown option \(unknown) (see docket-bench --help)\n".utf8))
    exit(1)
}

let selected = names.isEmpty ? benchmarks.keys.sorted() : names
for name in selected {
    guard let bench = benchmarks[name] else {
        FileHandle.standardError.write(Data("docket-bench: no benchmark \"\(name)\" (have: \(benchmarks.keys.sorted().joined(separator: ", ")))\n".utf8))
        exit(1)
    }
    do { try await bench.run() } catch {
        FileHandle.standardError.write(Data("docket-bench: \(name) failed: \(error)\n".utf8))
        exit(1)
    }
}
