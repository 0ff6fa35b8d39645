import DocketCore
import DocketHTTP
import DocketPostgres
import DocketSandbox
import DocketStore
import Foundation

/// Sends N orders in Cropster requests of 50 to the sandbox on loopback,
/// journaled in a store as `docket submit` does, and reports orders/s. In
/// the same run, wrk (apt's) sends the same request body to the same
/// endpoint as fast as it can: the ratio says how much of what the
/// sandbox can take the engine uses. With `--store postgresql://…`, other
/// orders go the same way journaled in a new PostgreSQL database there.
struct SubmitBenchmark {
    var orders: Int

    func run() async throws {
        let sandbox = try await SandboxServer.start(SandboxState())
        let target = SandboxConfig.targets(baseURL: sandbox.baseURL).first { $0.dialect == .cropster }!
        // wrk's body: the first 50 of the orders sent.
        var generator = OrderGenerator(seed: 7, itemsPerOrder: 3...3, lean: true)
        let first = (0..<50).map { generator.order($0, prefix: "S-") }
        let (engine, transport) = try benchEngine(target)
        let settings = engine.settings
        try await withTemporaryDirectoryAsync { dir in
            var rates = [("submit", try await send(seed: 7, prefix: "S-", engine: engine, target: target,
                                                   store: try SQLiteOrderStore(path: dir.appendingPathComponent("docket.sqlite").path), name: "submit"))]
            // Other orders (the sandbox holds the first ones now), journaled
            // in a PostgreSQL store.
            if let server = PostgresBench.server {
                try await PostgresBench.withDatabase(server) { url in
                    let store = try PostgresOrderStore(url: url)
                    defer { store.close() }
                    rates.append(("submit.postgres", try await send(seed: 8, prefix: "P-", engine: engine, target: target, store: store, name: "submit.postgres")))
                }
            }
            // The real command, as a user runs it: its time and peak memory.
            try realSubmit(sandbox: sandbox, dir: dir)
            if let wrkOrders = try await wrk(first, engine: engine, target: target, settings: settings, dir: dir) {
                report("submit.wrk_orders_per_second", wrkOrders, "orders/s")
                for (name, rate) in rates { report("\(name).ratio_to_wrk", rate / wrkOrders, "x") }
            }
        }
        await transport.shutdown()
        await sandbox.stop()
    }

    /// Generated orders imported into `store`, as `docket import` would.
    func importGenerated(seed: UInt64, prefix: String, into store: any DocketStore) throws {
        var generator = OrderGenerator(seed: seed, itemsPerOrder: 3...3, lean: true)
        var next = 0
        _ = try store.importOrders { emit in
            while next < orders {
                try emit(generator.order(next, prefix: prefix), nil)
                next += 1
            }
        }
    }

    /// Orders per second through claim, send and journal, read from the
    /// store as `docket submit` reads them: keys, then pages of orders.
    func send(seed: UInt64, prefix: String, engine: SubmissionEngine, target: TargetConfig, store: any DocketStore, name: String) async throws -> Double {
        try importGenerated(seed: seed, prefix: prefix, into: store)
        var taken = 0
        let owner = BatchOwner.current()
        var claimSeconds = 0.0
        let elapsed = try await secondsAsync {
            // As docket submit does: claim the orders (checked against
            // the default selection), then send them.
            var claimed: [String] = []
            var versions: [Int?] = []
            let query = OrderQuery.sendable(to: target.name, canUpdate: true)
            claimSeconds = try seconds {
                var keys: [(externalId: String, version: Int)] = []
                try store.forEachKey(query) { keys.append(($0, $1)) }
                let claim = try store.createBatch(id: "bench", target: target.name, dialect: target.dialect, orders: keys,
                                                  owner: owner, recheck: query)
                claimed = claim.claimed
                versions = claim.versions(from: keys)
            }
            // Each order is checked against the version claimed, as
            // `docket submit` checks it.
            let pages = StoredOrderPages(store: store, ids: claimed, versions: versions)
            _ = try await BatchRunner.run(engine: engine, journal: store, id: "bench", total: claimed.count,
                                          pages: pages, owner: owner)
            let counts = try store.batch("bench", failedOnly: true, limit: 0)?.summary.counts ?? [:]
            taken = counts.filter { $0.key.isTaken }.values.reduce(0, +)
        }
        guard taken == orders else { throw DocketError("only \(taken) of \(orders) orders were accepted") }
        let rate = Double(orders) / elapsed
        report("\(name).seconds", elapsed, "s")
        report("\(name).claim_seconds", claimSeconds, "s")
        report("\(name).orders_per_second", rate, "orders/s")
        report("\(name).peak_rss_of_this_process", peakResidentMB(), "MiB")
        return rate
    }

    /// `docket submit --target cropster` (the release binary beside this
    /// one) on a store of other generated orders: wall time, and peak
    /// resident memory from the kernel's account of the child (issue 14:
    /// under 200 MB for 1,000,000 orders; it held the whole selection).
    func realSubmit(sandbox: RunningSandbox, dir: URL) throws {
        let docket = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("docket").path
        guard FileManager.default.isExecutableFile(atPath: docket) else {
            FileHandle.standardError.write(Data("docket-bench: no docket binary beside docket-bench; build it (swift build -c release)\n".utf8))
            return
        }
        let storePath = dir.appendingPathComponent("real.sqlite").path
        try importGenerated(seed: 9, prefix: "R-", into: try SQLiteOrderStore(path: storePath))
        let config = dir.appendingPathComponent("real.toml")
        try SandboxConfig.toml(baseURL: sandbox.baseURL).write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: config.path)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: docket)
        p.arguments = ["submit", "--target", "cropster", "--store", storePath, "--config", config.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        // The child's own high-water mark, read while it runs (the kernel's
        // rusage for children would count this big process, forked before
        // the exec). VmHWM only grows, so the last reading is its peak but
        // for the last 20 ms.
        var peak = 0.0
        let elapsed = try seconds {
            try p.run()
            while p.isRunning {
                let status = (try? String(contentsOfFile: "/proc/\(p.processIdentifier)/status", encoding: .utf8)) ?? ""
                if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                   let kb = Double(line.split(separator: " ").dropFirst().first ?? "") {
                    peak = max(peak, kb / 1024)
                }
                usleep(20_000)
            }
        }
        guard p.terminationStatus == 0 else { throw DocketError("docket submit exited \(p.terminationStatus)") }
        report("submit.real.seconds", elapsed, "s")
        report("submit.real.orders_per_second", Double(orders) / elapsed, "orders/s")
        report("submit.real.peak_rss", peak, "MiB")
    }

    /// wrk (apt's) sending one request body of 50 of the orders to the
    /// same endpoint as fast as it can, in orders per second.
    func wrk(_ first: [Order], engine: SubmissionEngine, target: TargetConfig, settings: SubmissionSettings, dir: URL) async throws -> Double? {
        guard let wrk = which("wrk") else { return nil }
        let token = try await engine.authenticatorHeader()
        let body = JSONWriter.data(try CropsterCodec().encodeRequest(first, options: EncodeOptions(mode: .complete)))
        let bodyFile = dir.appendingPathComponent("body.json")
        try Data(body).write(to: bodyFile)
        let script = dir.appendingPathComponent("post.lua")
        try """
            local f = io.open("\(bodyFile.path)", "rb")
            wrk.method = "POST"
            wrk.body = f:read("*a")
            f:close()
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["Authorization"] = "\(token)"
            """.write(to: script, atomically: true, encoding: .utf8)
        let out = Pipe()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: wrk)
        p.arguments = ["-t2", "-c\(settings.concurrency)", "-d10s", "-s", script.path, target.baseURL + "/mrp.order.setOrders"]
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if text.contains("Non-2xx") { FileHandle.standardError.write(Data("docket-bench: wrk saw non-2xx answers:\n\(text)\n".utf8)) }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
              let perSecond = Double(line.split(separator: " ").last ?? "") else { return nil }
        return perSecond * 50
    }
}

/// An engine for `target` with its own HTTP client (shut it down after),
/// as `docket submit` makes one.
func benchEngine(_ target: TargetConfig) throws -> (SubmissionEngine, AsyncHTTPTransport) {
    let settings = try SubmissionSettings(target: target)
    let transport = AsyncHTTPTransport(maxConnectionsPerHost: settings.concurrency)
    let engine = SubmissionEngine(target: target, transport: transport,
                                  authenticator: try Authenticator(auth: target.auth, transport: transport),
                                  validator: try target.validator, settings: settings)
    return (engine, transport)
}

extension SubmissionEngine {
    /// The Authorization header the target takes now (for wrk).
    func authenticatorHeader() async throws -> String {
        try await authenticator.headers().first { $0.name == "Authorization" }?.value ?? ""
    }
}

func withTemporaryDirectoryAsync<T>(_ body: (URL) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try await body(dir)
}

func secondsAsync(_ body: () async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
