import ArgumentParser
import DocketCore
import DocketHTTP
import DocketStore
import Foundation

struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send orders to a target and record every order's outcome.",
        discussion: """
            Orders are checked locally first (failures end skipped and are not sent), split \
            into requests by the target's limit, and sent with its concurrency. On targets \
            that refuse a whole request for one bad order (Cropster, Mirakl, Omnia), Docket \
            finds the bad orders and sends the rest again, so every good order gets in.

            With no selection flags: every OPEN order this target has not yet taken, plus \
            those changed since an upsert target (Cropster, Mirakl, Omnia) took them, so \
            running it again resends only what still needs to go. Orders Centra may hold \
            without having said so are left out until settled. Retry what failed with \
            --outcome rejected,not_saved,unknown: --outcome reads this target's latest word, \
            and a refused order goes again only once it changed (--include-unchanged sends \
            the others too).

            Two docket processes never send an order to a target at once: each batch \
            claims its orders in the store before sending, and a second process leaves \
            claimed orders out and says which batch holds them.

            Outcomes: accepted, exists (the target already had it), rejected (with the \
            target's errors), not_saved, skipped, unknown (no definitive answer). Exit \
            status: 0 every order accepted or exists, 2 some did not make it, 1 the command \
            failed.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("The configured target to send to.", valueName: "target"))
    var target: String

    @OptionGroup var selection: SelectionOptions

    @Flag(help: "Check and plan only: show the requests the orders would go out in, send nothing.")
    var dryRun = false

    @Flag(help: "Send orders even if they fail local validation, to hear the target's own verdict.")
    var skipValidation = false

    @Flag(help: "With --outcome rejected: also send refused orders nobody changed since (by default only changed ones go, as the rest would be refused again).")
    var includeUnchanged = false

    @Flag(help: "Print one JSON object: the batch, its counts and every order's outcome.")
    var json = false

    func run() async throws {
        try await reportingErrors { try await submit() }
    }

    func submit() async throws -> Int32 {
        let config = try common.loadConfig()
        let target = try config.target(self.target)
        if let warning = try target.checkTransport() { printError(warning) }
        let settings = try SubmissionSettings(target: target)
        _ = try SubmissionEngine.url(for: target)
        let store = try common.openStore(config: config)
        let q = try selection.query(for: target, skipUnchanged: !includeUnchanged)
        // Only each order's id and version: the orders themselves are read
        // a page at a time as they go out, so any selection fits in memory.
        var keys: [(externalId: String, version: Int)] = []
        try store.forEachKey(q) { keys.append(($0, $1)) }
        if q.skipUnchangedRefusals {
            var all = q
            all.skipUnchangedRefusals = false
            let unchanged = try store.count(all) - keys.count
            if unchanged > 0 {
                printError("\(Plural.orders(unchanged)) refused by \(target.name) and unchanged since left out: they would be refused again. --include-unchanged sends them too.")
            }
        }
        if keys.isEmpty {
            if json {
                print(JSONWriter.string(Self.emptyReport(target), pretty: true))
            } else {
                print("No orders to send to \(target.name)\(selection.isEmpty ? ": every OPEN order has been taken there" : " match the selection").")
            }
            return 0
        }
        return try await withTransport(settings) { transport in
            try await send(&keys, target, settings, store, transport, recheck: q)
        }
    }

    static func emptyReport(_ target: TargetConfig) -> JSONValue {
        let empty = BatchReport(summary: BatchSummary(id: "", target: target.name, dialect: target.dialect, createdAt: "",
                                                      finishedAt: nil, orderCount: 0, counts: [:]), outcomes: [])
        var value = empty.json.objectValue!
        value["batch"] = .null
        return .object(value)
    }

    /// `keys` is emptied once claimed: the claim's own list is what is sent.
    func send(_ keys: inout [(externalId: String, version: Int)], _ target: TargetConfig, _ settings: SubmissionSettings,
              _ store: any DocketStore, _ transport: AsyncHTTPTransport, recheck: OrderQuery) async throws -> Int32 {
        var engine = try SubmissionEngine.forTarget(target, transport: transport)
        engine.checkLocally = !skipValidation

        if dryRun { return try await dryRun(keys.map(\.externalId), engine, target, settings, store) }

        let batchId = BatchRunner.newBatchId()
        let owner = BatchOwner.current()
        let claim = try store.createBatch(id: batchId, target: target.name, dialect: target.dialect, orders: keys,
                                          owner: owner, recheck: recheck)
        let versions = claim.versions(from: keys)
        keys = []
        if let why = claim.explanation(target: target.name, owners: try store.owners(claim.busy.values)) { printError(why) }
        guard !claim.claimed.isEmpty else {
            if json { print(JSONWriter.string(Self.emptyReport(target), pretty: true)) } else { print("Nothing sent.") }
            return 0
        }
        let bar = ProgressBar(enabled: !json)
        let pages = StoredOrderPages(store: store, ids: claim.claimed, versions: versions)
        let failures = try await BatchRunner.run(engine: engine, journal: store, id: batchId, total: claim.claimed.count,
                                                 pages: pages, owner: owner) { bar.show($0) }
        bar.finish()
        for f in failures { printError("could not record in the store: \(f)") }
        return try Self.printFinished(batchId, store: store, json: json) {
            print("\nDetails, with every request and response: docket batch show \(batchId)")
        }
    }

    /// A finished batch as submit and resume end: the JSON lists every
    /// outcome, the text the summary and only what did not make it (read
    /// from the store no further than it prints). Exit 0 when all were taken.
    static func printFinished(_ id: String, store: any DocketStore, json: Bool, after: () -> Void = {}) throws -> Int32 {
        guard let report = try store.batch(id, failedOnly: !json, limit: json ? nil : shownFailures + 1) else {
            throw DocketError("the batch \(id) is missing from the store")
        }
        if json {
            print(JSONWriter.string(report.json, pretty: true))
        } else {
            print(summaryLine(report))
            printFailures(report.outcomes, total: report.summary.counts.filter { !$0.key.isTaken }.values.reduce(0, +))
            after()
        }
        return report.summary.counts.keys.allSatisfy(\.isTaken) ? 0 : 2
    }

    /// What would go out, planned from the store a page at a time.
    func dryRun(_ ids: [String], _ engine: SubmissionEngine, _ target: TargetConfig, _ settings: SubmissionSettings,
                _ store: any DocketStore) async throws -> Int32 {
        var planner = engine.planner()
        let pages = StoredOrderPages(store: store, ids: ids)
        // The JSON lists every order; the text the first 20 requests.
        var tally = PlanTally(keepRequests: json ? .max : 20, keepSkipped: .max)
        while let page = try await pages.next() {
            planner.add(page)
            tally.take(from: &planner)
        }
        planner.finish()
        tally.take(from: &planner)
        let skipped = tally.skipped
        if json {
            let pending = tally.requests.joined().map { OrderOutcome(externalId: $0, outcome: .pending) }
            print(JSONWriter.string(Self.report(id: "dry-run", target: target, outcomes: skipped + pending).json, pretty: true))
        } else {
            print("Dry run for \(target.name) (\(target.dialect.displayName)): \(Plural.orders(ids.count)), "
                  + "\(Plural.of(tally.requestCount, "request")) of up to \(Plural.orders(settings.batchSize))"
                  + (skipped.isEmpty ? "." : "; \(skipped.count) fail local validation and would be skipped."))
            for (i, r) in tally.requests.enumerated() {
                print("  request \(i + 1): \(Plural.orders(r.count)), \(SafeText.escape(r.first!)) … \(SafeText.escape(r.last!))")
            }
            if tally.requestCount > 20 { print("  … and \(tally.requestCount - 20) more requests") }
            printFailures(skipped)
        }
        return skipped.isEmpty ? 0 : 2
    }

    static func report(id: String, target: TargetConfig, outcomes: [OrderOutcome]) -> BatchReport {
        var counts: [Outcome: Int] = [:]
        for o in outcomes { counts[o.outcome, default: 0] += 1 }
        return BatchReport(summary: BatchSummary(id: id, target: target.name, dialect: target.dialect, createdAt: "",
                                                 finishedAt: nil, orderCount: outcomes.count, counts: counts), outcomes: outcomes)
    }

    static func summaryLine(_ r: BatchReport) -> String {
        let parts = Outcome.allCases.compactMap { o in r.summary.counts[o].map { "\($0) \(o.rawValue)" } }
        return "Batch \(r.summary.id) to \(r.summary.target) (\(r.summary.dialect.displayName)): \(Plural.orders(r.summary.orderCount)): "
            + parts.joined(separator: ", ")
    }
}

/// Runs `body` with an HTTP client that is shut down afterwards, however
/// `body` ends (AsyncHTTPClient insists).
func withTransport<T>(_ settings: SubmissionSettings, _ body: (AsyncHTTPTransport) async throws -> T) async throws -> T {
    let transport = AsyncHTTPTransport(maxConnectionsPerHost: max(settings.concurrency, 1))
    do {
        let result = try await body(transport)
        await transport.shutdown()
        return result
    } catch {
        await transport.shutdown()
        throw error
    }
}

/// How many failed orders the text output lists.
let shownFailures = 200

/// Lists orders that did not make it, with each error by canonical field;
/// `total` is how many there are when `outcomes` holds only the first.
func printFailures(_ outcomes: [OrderOutcome], total: Int? = nil) {
    let total = total ?? outcomes.count
    for o in outcomes.prefix(shownFailures) {
        print("\n\(SafeText.escape(o.externalId))  \(o.outcome.rawValue)")
        for e in o.errors {
            let place = e.field.map { SafeText.escape($0) + "  " } ?? ""
            print("  \(place)\(SafeText.escape(e.message))\(e.code.isEmpty ? "" : " [\(SafeText.escape(e.code))]")")
        }
    }
    if total > shownFailures { print("\n… and \(total - shownFailures) more; --json lists them all") }
}
