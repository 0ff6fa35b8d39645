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
        var generator = OrderGenerator(seed: 7, itemsPerOrder: 3...3, lean: true)
        let batch = (0..<orders).map { generator.order($0, prefix: "S-") }
        let settings = try SubmissionSettings(target: target)
        let transport = AsyncHTTPTransport(maxConnectionsPerHost: settings.concurrency)
        let engine = SubmissionEngine(target: target, transport: transport,
                                      authenticator: try Authenticator(auth: target.auth, transport: transport),
                                      validator: try target.validator, settings: settings)
        try await withTemporaryDirectoryAsync { dir in
            var rates = [("submit", try await send(batch, engine: engine, target: target,
                                                   store: try SQLiteOrderStore(path: dir.appendingPathComponent("docket.sqlite").path), name: "submit"))]
            // Other orders (the sandbox holds the first ones now), journaled
            // in a PostgreSQL store.
            if let server = PostgresBench.server {
                var other = OrderGenerator(seed: 8, itemsPerOrder: 3...3, lean: true)
                let second = (0..<orders).map { other.order($0, prefix: "P-") }
                try await PostgresBench.withDatabase(server) { url in
                    let store = try PostgresOrderStore(url: url)
                    defer { store.close() }
                    rates.append(("submit.postgres", try await send(second, engine: engine, target: target, store: store, name: "submit.postgres")))
                }
            }
            if let wrkOrders = try await wrk(batch, engine: engine, target: target, settings: settings, dir: dir) {
                report("submit.wrk_orders_per_second", wrkOrders, "orders/s")
                for (name, rate) in rates { report("\(name).ratio_to_wrk", rate / wrkOrders, "x") }
            }
        }
        await transport.shutdown()
        await sandbox.stop()
    }

    /// Orders per second through claim, send and journal.
    func send(_ batch: [Order], engine: SubmissionEngine, target: TargetConfig, store: any DocketStore, name: String) async throws -> Double {
        _ = try store.importOrders(batch)
        var taken = 0
        // The generated orders as the store holds them (version 1).
        let versions = [Int](repeating: 1, count: batch.count)
        let owner = BatchOwner.current()
        var claimSeconds = 0.0
        let elapsed = try await secondsAsync {
            // As docket submit does: claim the orders (checked against
            // the default selection), then send them.
            var claimed: [Order] = []
            claimSeconds = try seconds {
                claimed = try BatchRunner.claim(journal: store, id: "bench", target: target, orders: batch, versions: versions, owner: owner,
                                                recheck: .sendable(to: target.name, canUpdate: true)).1
            }
            _ = try await BatchRunner.run(engine: engine, journal: store, id: "bench", orders: claimed, owner: owner)
            taken = try store.batch("bench")?.outcomes.filter { $0.outcome.isTaken }.count ?? 0
        }
        guard taken == orders else { throw DocketError("only \(taken) of \(orders) orders were accepted") }
        let rate = Double(orders) / elapsed
        report("\(name).seconds", elapsed, "s")
        report("\(name).claim_seconds", claimSeconds, "s")
        // The local check and split alone, which runs before the first request.
        report("\(name).plan_seconds", await secondsAsync { _ = engine.plan(batch) }, "s")
        report("\(name).orders_per_second", rate, "orders/s")
        return rate
    }

    /// wrk (apt's) sending one request body of 50 of the orders to the
    /// same endpoint as fast as it can, in orders per second.
    func wrk(_ batch: [Order], engine: SubmissionEngine, target: TargetConfig, settings: SubmissionSettings, dir: URL) async throws -> Double? {
        guard let wrk = which("wrk") else { return nil }
        let token = try await engine.authenticatorHeader()
        let body = JSONWriter.data(try CropsterCodec().encodeRequest(Array(batch.prefix(50)), options: EncodeOptions(mode: .complete)))
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
