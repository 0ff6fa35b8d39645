import ArgumentParser
import DocketCore
import DocketHTTP
import DocketStore
import Foundation

struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Finish a batch that was stopped before it was done.",
        discussion: """
            Sends the batch's orders that have no outcome yet, and nothing else: what the \
            target acknowledged is not sent again. Orders that were on their way when the \
            batch stopped are sent again, which is safe for upserts; on create-only targets \
            (Centra, Dropday) an "already exists" for them is that first send's success and \
            is recorded as accepted; Centra orders without an order number are not sent \
            again but end unknown, to be looked up at Centra first.

            A batch another live docket process is still sending is refused (that would \
            send its orders twice). One whose process is gone, or whose process has not \
            been heard from for \(Int(BatchOwner.staleAfter)) s, is taken over; --force takes \
            over any. With no batch id: the newest unfinished batch nobody is sending.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("The batch to finish (docket batches lists them).", valueName: "batch-id"))
    var batchId: String?

    @Flag(help: "Print the finished batch as one JSON object.")
    var json = false

    @Flag(help: "Take the batch over even though its process still seems to be sending it.")
    var force = false

    func run() async throws {
        try await reportingErrors { try await resume() }
    }

    func resume() async throws -> Int32 {
        let config = try common.loadConfig()
        let store = try common.openStore(config: config)
        let id: String
        if let batchId {
            id = batchId
        } else {
            let unfinished = try store.unfinishedBatches()
            guard let free = unfinished.first(where: { !($0.owner?.isAlive ?? false) }) else {
                if let busy = unfinished.first, let owner = busy.owner {
                    print("Nothing to resume: batch \(busy.summary.id) is still being sent by \(owner.description).")
                } else {
                    print("No unfinished batches: nothing to resume.")
                }
                return 0
            }
            id = free.summary.id
        }
        let owner = BatchOwner.current()
        let before = try store.takeOver(batch: id, owner: owner, force: force)
        if let before, !json { print("Taking batch \(id) over from \(before.description).") }
        // The summary only: its outcomes so far are not needed here.
        guard let report = try store.batch(id, failedOnly: true, limit: 0) else {
            throw DocketError("there is no batch \(id) in the store", file: store.location)
        }
        let target = try config.target(report.summary.target)
        let pending = try store.pendingOrders(batch: id)
        let settings = try SubmissionSettings(target: target)
        return try await withTransport(settings) { transport in
            try await finish(id, report, target, pending, store, transport, owner: owner)
        }
    }

    func finish(_ id: String, _ report: BatchReport, _ target: TargetConfig,
                _ pending: [(externalId: String, attempts: Int, version: Int?)], _ store: any DocketStore,
                _ transport: AsyncHTTPTransport, owner: BatchOwner) async throws -> Int32 {
        if let warning = try target.checkTransport() { printError(warning) }
        var engine = try SubmissionEngine.forTarget(target, transport: transport)
        engine.possiblySent = Set(pending.filter { $0.attempts > 0 }.map(\.externalId))
        if !json {
            print("Resuming \(id) to \(target.name): \(pending.count) of \(Plural.orders(report.summary.orderCount)) still to settle"
                  + (engine.possiblySent.isEmpty ? "." : " (\(engine.possiblySent.count) were on their way when it stopped)."))
        }
        let bar = ProgressBar(enabled: !json)
        // The orders are read a page at a time as they go out.
        // An order that may have gone out before the stop is not "never
        // sent" even if edited since: the engine's own care for possibly
        // sent orders decides, so its version is not checked here.
        let pages = StoredOrderPages(store: store, ids: pending.map(\.externalId),
                                     versions: pending.map { $0.attempts > 0 ? nil : $0.version })
        let failures = try await BatchRunner.run(engine: engine, journal: store, id: id, total: pending.count,
                                                 pages: pages, owner: owner) { bar.show($0) }
        bar.finish()
        for f in failures { printError("could not record in the store: \(f)") }
        return try Submit.printFinished(id, store: store, json: json)
    }
}
