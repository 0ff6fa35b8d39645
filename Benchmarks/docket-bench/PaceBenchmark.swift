import DocketCore
import DocketHTTP
import DocketSandbox
import DocketStore
import Foundation

/// Sending paced by the target, each against the pace a perfect sender
/// would keep, journaled as `docket submit` does (Cropster, requests of
/// 50, concurrency 4, the sandbox 50 ms away):
/// - latency: no limit; the bound is 4 × 50 / 0.05 s = 4,000 orders/s.
/// - random-429: the sandbox answers 429 to 20% of requests at random
///   (Retry-After 0); a perfect sender sends 1/0.8 as many requests at
///   the same 4 at once.
/// - rate-429: the sandbox takes 64 requests a second (what 4 at once
///   would send, less 20%) and answers 429 beyond; a perfect sender sends
///   exactly 64 a second.
/// - rate_limit: the same sandbox, with the target's `rate_limit = 64`.
struct PaceBenchmark {
    var orders: Int
    let latency = 0.05
    let concurrency = 4
    let perRequest = 50

    func run() async throws {
        let requests = Double((orders + perRequest - 1) / perRequest)
        let bound = requests * latency / Double(concurrency)
        try await scenario("latency", faults: "latency=50ms", ideal: bound)
        try await scenario("random-429", faults: "latency=50ms,429=0.2,retry_after=0", ideal: bound / 0.8)
        let rate = 0.8 * Double(concurrency) / latency
        try await scenario("rate-429", faults: "latency=50ms,rate=\(Int(rate))", ideal: requests / rate)
        try await scenario("rate_limit", faults: "latency=50ms,rate=\(Int(rate))", ideal: requests / rate, rateLimit: rate)
    }

    func scenario(_ name: String, faults: String, ideal: Double, rateLimit: Double? = nil) async throws {
        let sandbox = try await SandboxServer.start(SandboxState(options: SandboxOptions(faults: try Faults(spec: faults))))
        var target = SandboxConfig.targets(baseURL: sandbox.baseURL).first { $0.dialect == .cropster }!
        target.batchSize = perRequest
        target.concurrency = concurrency
        target.rateLimit = rateLimit
        var generator = OrderGenerator(seed: 7, itemsPerOrder: 3...3, lean: true)
        let batch = (0..<orders).map { generator.order($0, prefix: "P-") }
        let (engine, transport) = try benchEngine(target)
        try await withTemporaryDirectoryAsync { dir in
            let store = try SQLiteOrderStore(path: dir.appendingPathComponent("docket.sqlite").path)
            _ = try store.importOrders(batch)
            let owner = BatchOwner.current()
            let claimed = try BatchRunner.claim(journal: store, id: "pace", target: target, orders: batch,
                                                versions: [Int](repeating: 1, count: batch.count), owner: owner, recheck: nil).1
            let elapsed = try await secondsAsync {
                _ = try await BatchRunner.run(engine: engine, journal: store, id: "pace", orders: claimed, owner: owner)
            }
            let taken = try store.batch("pace")?.outcomes.filter { $0.outcome.isTaken }.count ?? 0
            guard taken == orders else { throw DocketError("\(name): only \(taken) of \(orders) orders were accepted") }
            let pace = await engine.pacer.pace
            report("pace.\(name).seconds", elapsed, "s")
            report("pace.\(name).ideal_seconds", ideal, "s")
            report("pace.\(name).ratio_to_ideal", ideal / elapsed, "x")
            report("pace.\(name).orders_per_second", Double(orders) / elapsed, "orders/s")
            report("pace.\(name).throttled", Double(pace.throttled), "429s")
        }
        await transport.shutdown()
        await sandbox.stop()
    }
}
