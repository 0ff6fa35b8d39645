import DocketCore
import DocketPostgres
import DocketStore
import DocketTUI
import Foundation

/// The console on a store of N orders (1,000,000 by default).
///
/// In process: opening the store to the first frame, and each key's trip
/// through the reducer, the store and the renderer, for scrolling, paging,
/// jumping to either end and searching by external id.
///
/// The real binary in tmux (when tmux and a `docket` built beside this
/// benchmark are there): wall time from launch until the table shows, the
/// console's own per-key timings from key read to frame drawn by ncurses
/// (DOCKET_FRAME_LOG), and the process's peak resident memory. On a SQLite
/// store, the launch again with the store's pages dropped from the page
/// cache first (cold), beside sqlite3 cold.
///
/// Baselines in the same run: sqlite3 printing the first screen of rows
/// from the same store, and visidata showing the first rows of the same
/// orders as CSV, when `vd` is installed. With `--store postgresql://…`,
/// the same on a PostgreSQL store kept in the database
/// `docket_bench_console_N` there, with psql as the baseline.
struct ConsoleBenchmark {
    var orders: Int
    /// A store to keep (and reuse when it already holds the orders), so
    /// that runs after the first skip building it.
    var storePath: String?
    let width = 120, height = 35

    func run() throws {
        try withTemporaryDirectory(run(in:))
    }

    func run(in dir: URL) throws {
        if let server = PostgresBench.server {
            // Kept between runs, as a SQLite --store path is.
            let url = try PostgresBench.kept(server, name: "docket_bench_console_\(orders)")
            try build(open: { try PostgresOrderStore(url: url) }, name: "console.postgres")
            try inProcess(open: { try PostgresOrderStore(url: url) }, name: "console.postgres")
            psqlBaseline(url)
            try realBinary(url, dir: dir, name: "console.postgres", open: { try PostgresOrderStore(url: url) })
            return
        }
        let path = storePath ?? dir.appendingPathComponent("console.sqlite").path
        try build(open: { try SQLiteOrderStore(path: path) }, name: "console")
        try inProcess(open: { try SQLiteOrderStore(path: path) }, name: "console")
        sqliteBaseline(path)
        try realBinary(path, dir: dir, name: "console", open: { try SQLiteOrderStore(path: path) })
        try visidataBaseline(path, dir: dir)
    }

    /// The N orders, unless the store already holds them.
    func build(open: () throws -> any DocketStore, name: String) throws {
        let existing = try open().count(OrderQuery())
        if existing != orders {
            guard existing == 0 else { throw DocketError("the store holds \(existing) orders, not \(orders)") }
            let build = try seconds {
                let store = try open()
                _ = try store.importOrders { emit in
                    var g = OrderGenerator(seed: 2026, itemsPerOrder: 1...4, lean: true)
                    for i in 0..<orders { try emit(g.order(i), nil) }
                }
            }
            report("\(name).store_build_seconds", build, "s")
        }
        report("\(name).orders", Double(orders), "orders")
    }

    /// Opening to the first frame, then each key through the reducer, the
    /// store and the renderer.
    func inProcess(open: () throws -> any DocketStore, name: String) throws {
        var state = AppState(width: width, height: height)
        var runner: EffectRunner?
        let first = try seconds {
            let store = try open()
            runner = EffectRunner(store: store)
            runner!.start(&state)
            _ = Render.draw(state)
        }
        report("\(name).in_process.first_frame_ms", first * 1000, "ms")
        guard let runner, state.orders.total == orders else { throw DocketError("the console shows \(state.orders.total) of \(orders) orders") }

        func measure(_ kind: String, _ keys: [Key], only: ((Key) -> Bool)? = nil) {
            var times: [Double] = []
            for key in keys {
                let t = seconds {
                    runner.apply(.key(key), to: &state)
                    _ = Render.draw(state)
                }
                if only?(key) ?? true { times.append(t * 1000) }
            }
            reportPercentiles("\(name).in_process.\(kind)", times)
        }
        measure("scroll", Array(repeating: .down, count: 3000) + Array(repeating: .up, count: 3000))
        measure("page", Array(repeating: .pageDown, count: 600) + Array(repeating: .pageUp, count: 600))
        measure("jump", Array([Key.end, .home].repeated(50)))
        var random = SystemRandomNumberGenerator()
        let searches = (0..<100).flatMap { _ -> [Key] in
            let id = String(format: "ORD-%07d", Int.random(in: 0..<orders, using: &random))
            return [.char("/"), .char("\u{15}")] + id.map { .char($0) } + [.enter]
        }
        measure("search", searches, only: { $0 == .enter })
        guard state.orders.total == 1 else { throw DocketError("a search by external id found \(state.orders.total) orders") }
        report("\(name).in_process.peak_rss", peakResidentMB(), "MiB")
    }

    /// psql starting, connecting and printing the first screen of rows and
    /// the count: the PostgreSQL store's floor, as sqlite3 is the file's.
    func psqlBaseline(_ text: String) {
        guard let psql = which("psql"), let url = try? PostgresURL(text) else { return }
        let sql = "SELECT external_id, status, order_date, customer, item_count, total, currency, last_outcome FROM orders ORDER BY external_id LIMIT \(height - 3); SELECT count(*) FROM orders;"
        let times = (0..<5).map { _ in
            seconds {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: psql)
                p.arguments = ["-h", url.host, "-p", String(url.port), "-U", url.user, "-d", url.database, "-c", sql]
                p.standardOutput = FileHandle.nullDevice
                try? p.run()
                p.waitUntilExit()
            } * 1000
        }
        report("console.postgres.baseline_psql_first_screen_ms", times.sorted()[2], "ms")
    }

    /// sqlite3 starting, opening the store and printing the first screen of
    /// the table's rows and the count the title shows; `cold`: with the
    /// store's pages dropped from the page cache before each run.
    func sqliteBaseline(_ path: String, cold: Bool = false) {
        guard let sqlite3 = which("sqlite3") else { return }
        let sql = "SELECT external_id, status, order_date, customer, item_count, total, currency, last_outcome FROM orders ORDER BY external_id LIMIT \(height - 3); SELECT count(*) FROM orders;"
        let times = (0..<5).map { _ -> Double in
            if cold { evictFromPageCache(path) }
            return seconds {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: sqlite3)
                p.arguments = ["-readonly", path, sql]
                p.standardOutput = FileHandle.nullDevice
                try? p.run()
                p.waitUntilExit()
            } * 1000
        }
        report("console.baseline_sqlite3_first_screen\(cold ? "_cold" : "")_ms", times.sorted()[2], "ms")
    }

    /// The docket binary beside this benchmark, in tmux at 120×35.
    func realBinary(_ path: String, dir: URL, name: String, open: (() throws -> any DocketStore)? = nil) throws {
        let docket = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("docket").path
        guard which("tmux") != nil, FileManager.default.isExecutableFile(atPath: docket) else {
            report("\(name).real_binary_skipped", 1, "tmux or the docket binary missing")
            return
        }
        let log = dir.appendingPathComponent("frames.log").path
        let tmux = BenchTmux()
        defer { tmux.run(["kill-server"]) }
        // The floor of this way of measuring: a command that prints the same
        // text at once, launched and watched the same way.
        let echo = (0..<5).compactMap { _ in tmux.firstScreen("exec sh -c 'echo ORD-0000001; sleep 5'", width: width, height: height) }
        let launch = "exec env DOCKET_STORE='\(path)' XDG_CONFIG_HOME='\(dir.path)' '\(docket)'"
        let firstFrames = (0..<5).compactMap { _ -> Double? in
            defer { tmux.run(["send-keys", "-t", "b", "q"]); Thread.sleep(forTimeInterval: 0.3) }
            return tmux.firstScreen(launch, width: width, height: height)
        }
        guard echo.count == 5, firstFrames.count == 5 else { throw DocketError("tmux did not show the first screen") }
        report("\(name).baseline_tmux_echo_first_screen_ms", echo.sorted()[2], "ms")
        // Cold: the store's pages out of the page cache before each launch
        // (a SQLite file; a server's cache is not this process's to drop),
        // beside sqlite3 printing the first page and the count, cold too.
        if !PostgresURL.isPostgres(path) {
            let cold = (0..<5).compactMap { _ -> Double? in
                defer { tmux.run(["send-keys", "-t", "b", "q"]); Thread.sleep(forTimeInterval: 0.3) }
                evictFromPageCache(path)
                return tmux.firstScreen(launch, width: width, height: height)
            }
            if cold.count == 5 { report("\(name).real.first_frame_from_launch_cold_ms", cold.sorted()[2], "ms") }
            sqliteBaseline(path, cold: true)
        }
        report("\(name).real.first_frame_from_launch_ms", firstFrames.sorted()[2], "ms")
        report("\(name).real.first_frame_from_launch_worst_ms", firstFrames.max()!, "ms")

        tmux.run(["new-session", "-d", "-s", "b", "-x", String(width), "-y", String(height),
                  "exec env DOCKET_STORE='\(path)' XDG_CONFIG_HOME='\(dir.path)' DOCKET_FRAME_LOG='\(log)' '\(docket)'"])
        try tmux.wait(for: "ORD-0000001")
        let pid = tmux.output(["display-message", "-p", "-t", "b", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        // Keys in small bursts, as fast as a held-down key repeats.
        func send(_ keys: [String], times: Int) throws {
            for _ in 0..<times {
                tmux.run(["send-keys", "-t", "b"] + keys)
                Thread.sleep(forTimeInterval: 0.03)
            }
        }
        try send(Array(repeating: "Down", count: 10), times: 150)
        try send(Array(repeating: "Up", count: 10), times: 150)
        try send(["PageDown", "PageDown", "PageDown", "PageDown", "PageDown"], times: 100)
        try send(["PageUp", "PageUp", "PageUp", "PageUp", "PageUp"], times: 100)
        try send(["End"], times: 30)
        try send(["Home"], times: 30)
        try send(["End"], times: 1)
        var random = SystemRandomNumberGenerator()
        for _ in 0..<40 {
            let id = String(format: "ORD-%07d", Int.random(in: 0..<orders, using: &random))
            tmux.run(["send-keys", "-t", "b", "/", "C-u"])
            tmux.run(["send-keys", "-t", "b", "-l", id])
            tmux.run(["send-keys", "-t", "b", "Enter"])
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.5)
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Double {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .flatMap { $0.split(separator: " ").compactMap { Double($0) }.first }.map { $0 / 1024 } ?? 0
        }
        report("\(name).real.peak_rss", field("VmHWM"), "MiB")
        report("\(name).real.rss_after", field("VmRSS"), "MiB")

        // Another process's write, from its save until this console shows
        // it (PostgreSQL notifies; SQLite is polled), tmux's capture included.
        if let open {
            tmux.run(["send-keys", "-t", "b", "Escape", "Home"])
            try tmux.wait(for: "ORD-0000001")
            let writer = try open()
            // An order on the first screen that may be edited (OPEN).
            guard let shown = try writer.page(OrderQuery(), after: nil, limit: height - 8).first(where: { $0.status == .open }) else {
                throw DocketError("no OPEN order on the first screen")
            }
            var times: [Double] = []
            for i in 0..<9 {
                let stored = try writer.order(externalId: shown.externalId)!
                var order = stored.order
                var customer = order.customer ?? Customer()
                let mark = "Seen\(i)x\(Int.random(in: 1000...9999))"
                customer.name = mark
                order.customer = customer
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try writer.save(order, expectedVersion: stored.version)
                try tmux.wait(for: mark)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            report("\(name).real.another_process_write_shown.p50_ms", times.sorted()[4], "ms")
            report("\(name).real.another_process_write_shown.max_ms", times.max()!, "ms")
        }
        tmux.run(["send-keys", "-t", "b", "Escape", "q"])
        Thread.sleep(forTimeInterval: 0.3)

        var byKind: [String: [Double]] = [:]
        for line in ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let ms = Double(parts[1]) { byKind[String(parts[0]), default: []].append(ms) }
        }
        if let first = byKind["first"]?.first { report("\(name).real.first_frame_in_console_ms", first, "ms") }
        for kind in ["scroll", "page", "jump", "search"] { reportPercentiles("\(name).real.\(kind)", byKind[kind] ?? []) }
    }

    /// visidata (pip install visidata) showing the first rows of the same
    /// orders written as CSV: the comparison the issue names.
    func visidataBaseline(_ path: String, dir: URL) throws {
        guard let vd = which("vd"), let sqlite3 = which("sqlite3") else {
            report("console.baseline_visidata_skipped", 1, "vd not installed")
            return
        }
        let csv = dir.appendingPathComponent("orders.csv").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: sqlite3)
        p.arguments = ["-readonly", "-csv", "-header", path,
                       "SELECT external_id, status, order_date, customer, item_count, total, currency FROM orders ORDER BY external_id"]
        _ = FileManager.default.createFile(atPath: csv, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: csv)
        try p.run()
        p.waitUntilExit()
        let tmux = BenchTmux()
        defer { tmux.run(["kill-server"]) }
        let times = (0..<3).compactMap { _ in tmux.firstScreen("exec '\(vd)' '\(csv)'", width: width, height: height) }
        guard times.count == 3 else { throw DocketError("visidata never showed the first rows") }
        report("console.baseline_visidata_first_rows_ms", times.sorted()[1], "ms")
    }

    func reportPercentiles(_ name: String, _ values: [Double]) {
        guard !values.isEmpty else { return }
        let sorted = values.sorted()
        func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)] }
        report(name + ".p50_ms", at(0.5), "ms")
        report(name + ".p99_ms", at(0.99), "ms")
        report(name + ".max_ms", sorted.last!, "ms")
        report(name + ".count", Double(values.count), "keys")
    }
}

extension Array {
    func repeated(_ n: Int) -> [Element] { (0..<n).flatMap { _ in self } }
}

/// A private tmux server for the benchmark.
struct BenchTmux {
    let socket = "docket-bench-\(UUID().uuidString.prefix(8))"

    /// tmux with every inherited descriptor above stderr closed: the tmux
    /// server forks from its first client and would otherwise hold this
    /// process's pipes open for ever.
    func process(_ args: [String]) -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        let quoted = (["-L", socket] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        p.arguments = ["-c", "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\"; done 2>/dev/null; exec tmux \(quoted)"]
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        return p
    }

    func run(_ args: [String]) {
        let p = process(args)
        p.standardOutput = FileHandle.nullDevice
        try? p.run()
        p.waitUntilExit()
    }

    func output(_ args: [String]) -> String {
        let p = process(args)
        let pipe = Pipe()
        p.standardOutput = pipe
        try? p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Milliseconds from starting `command` in a new session until the pane
    /// shows ORD-0000001: one bash process launches and polls, so the poll
    /// itself costs only tmux's capture (a few ms), not a process per look.
    func firstScreen(_ command: String, width: Int, height: Int) -> Double? {
        let quoted = "'" + command.replacingOccurrences(of: "'", with: "'\\''") + "'"
        let script = """
            start=$(date +%s%N)
            tmux -L \(socket) new-session -d -s b -x \(width) -y \(height) \(quoted)
            for i in $(seq 1 5000); do
              tmux -L \(socket) capture-pane -t b -p | grep -q ORD-0000001 && break
            done
            echo $(( ($(date +%s%N) - start) / 1000 ))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\"; done 2>/dev/null; " + script]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try? p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        run(["kill-session", "-t", "b"])
        return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)).map { $0 / 1000 }
    }

    func wait(for text: String, timeout: Double = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output(["capture-pane", "-t", "b", "-p"]).contains(text) { return }
            Thread.sleep(forTimeInterval: 0.002)
        }
        throw DocketError("the screen never showed \(text)")
    }
}

/// Drops a store's pages (the file, its WAL and shared memory) from the
/// page cache, so the next read comes from the disk: a console opened
/// first thing in the morning.
func evictFromPageCache(_ path: String) {
    for file in [path, path + "-wal", path + "-shm"] {
        let fd = open(file, O_RDONLY)
        guard fd >= 0 else { continue }
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
        close(fd)
    }
}
