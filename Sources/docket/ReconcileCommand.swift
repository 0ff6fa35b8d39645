import ArgumentParser
import DocketCore
import DocketHTTP
import DocketStore
import Foundation

struct Reconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Settle unknown outcomes by asking the target whether it has the orders.",
        discussion: """
            An order is unknown when it was sent and no definitive answer came back. Where \
            the target's API can say whether it has an order, reconcile asks, one GET per \
            order, and records the answer in the batch's audit trail:
              dropday   GET /api/v1/orders?external_id=… (the exact id among the matches)
              centra    GET /orders?order=N, for orders sent with an integer orderNumber
            Orders the target has become accepted, with its id. Orders it does not have \
            become not_saved: the next docket submit sends them as never sent.

            Cropster, Mirakl and Omnia take orders by upsert: sending an unknown order \
            again settles it, and submit's default selection already includes them. \
            Centra orders sent without an order number cannot be looked up: check them \
            in Centra; they stay out of sends until someone sends them explicitly.

            With no batch id: every finished batch (to --target, if given) that has \
            unknown orders. Exit status: 0 all settled, 1 the command failed, 2 some \
            orders are still unknown.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("The batch to settle (docket batches lists them).", valueName: "batch-id"))
    var batchId: String?

    @Option(help: ArgumentHelp("Only batches sent to this target.", valueName: "target"))
    var target: String?

    @Flag(help: "Print one JSON object: each order looked up and what was found.")
    var json = false

    func run() async throws {
        try await reportingErrors { try await reconcile() }
    }

    func reconcile() async throws -> Int32 {
        let config = try common.loadConfig()
        let store = try common.openStore(config: config)
        var ids: [String]
        if let batchId {
            guard let summary = try store.batch(batchId)?.summary else { throw DocketError("there is no batch \(batchId) in the store", file: store.location) }
            if let target, summary.target != target { throw DocketError("batch \(batchId) went to \(summary.target), not \(target)") }
            ids = [batchId]
        } else {
            ids = try store.batches(limit: Int.max)
                .filter { $0.finishedAt != nil && ($0.counts[.unknown] ?? 0) > 0 && (target == nil || $0.target == target) }
                .map(\.id).reversed()
        }
        let transport = AsyncHTTPTransport(maxConnectionsPerHost: 1)
        do {
            let code = try await settle(ids, config: config, store: store, transport: transport)
            await transport.shutdown()
            return code
        } catch {
            await transport.shutdown()
            throw error
        }
    }

    func settle(_ ids: [String], config: DocketConfig, store: any DocketStore, transport: AsyncHTTPTransport) async throws -> Int32 {
        var results: [JSONValue] = []
        var open = 0, settled = 0
        for id in ids {
            guard let summary = try store.batch(id)?.summary else { continue }
            let targetConfig = try config.target(summary.target)
            if let warning = try targetConfig.checkTransport() { printError(warning) }
            let reconciler = try Reconciler.forTarget(targetConfig, transport: transport)
            if !json && (summary.counts[.unknown] ?? 0) > 0 {
                print("Batch \(id) to \(summary.target) (\(summary.dialect.displayName)): \(Plural.orders(summary.counts[.unknown] ?? 0)) unknown")
            }
            let lookups = try await reconciler.reconcile(batch: id, store: store) { lookup in
                if !json { print("  " + SafeText.escape(Self.line(lookup, target: summary.target))) }
            }
            for l in lookups {
                if case .found = l.finding { settled += 1 } else if case .notFound = l.finding { settled += 1 } else { open += 1 }
                results.append(Self.json(l, batch: id, target: summary.target))
            }
        }
        if json {
            print(JSONWriter.string(["settled": .number(String(settled)), "unknown": .number(String(open)), "orders": .array(results)], pretty: true))
        } else if ids.isEmpty || settled + open == 0 {
            print(batchId == nil ? "No unknown outcomes\(target.map { " at \($0)" } ?? ""): nothing to settle." : "Batch \(ids[0]) has no unknown outcomes: nothing to settle.")
        } else {
            print("\(Plural.orders(settled)) settled, \(Plural.orders(open)) still unknown.")
        }
        return open > 0 ? 2 : 0
    }

    static func line(_ l: Reconciler.Lookup, target: String) -> String {
        switch l.finding {
        case .found(let id): "\(l.externalId)  accepted: \(target) has it\(id.map { " (\($0))" } ?? "")"
        case .notFound: "\(l.externalId)  not_saved: \(target) does not have it; the next send takes it"
        case .notAsked(let why): "\(l.externalId)  still unknown: \(why)"
        case .failed(let why): "\(l.externalId)  still unknown: \(why)"
        }
    }

    static func json(_ l: Reconciler.Lookup, batch: String, target: String) -> JSONValue {
        let (found, note): (String, String?) = switch l.finding {
        case .found(let id): ("found", id)
        case .notFound: ("not_found", nil)
        case .notAsked(let why): ("not_asked", why)
        case .failed(let why): ("failed", why)
        }
        return .object(JSONObject([
            .init("batch", .string(batch)), .init("target", .string(target)), .init("externalId", .string(l.externalId)),
            .init("finding", .string(found)),
            .init(found == "found" ? "remoteId" : "note", note.map { .string($0) } ?? .null),
            .init("outcome", l.outcome(target: target).map { .string($0.outcome.rawValue) } ?? "unknown"),
        ]))
    }
}
