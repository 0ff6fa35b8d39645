import ArgumentParser
import DocketCore
import DocketStore
import Foundation

struct Batches: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List batches, newest first, with their counts.")

    @OptionGroup var common: CommonOptions

    @Flag(help: "Print a JSON list of batches.")
    var json = false

    func run() throws {
        try reportingErrors {
            let store = try common.openStoreForReading()
            let batches = try store.batches(limit: 1000)
            if json {
                print(JSONWriter.string(.array(batches.map { b in
                    .object(JSONObject([
                        .init("batch", .string(b.id)), .init("target", .string(b.target)), .init("dialect", .string(b.dialect.rawValue)),
                        .init("createdAt", .string(b.createdAt)), .init("finishedAt", b.finishedAt.map { .string($0) } ?? .null),
                        .init("orders", .number(String(b.orderCount))), .init("counts", b.countsJSON),
                    ]))
                }), pretty: true))
                return
            }
            if batches.isEmpty { print("No batches yet: docket submit --target T sends one."); return }
            print("BATCH                       TARGET       CREATED               ORDERS  OUTCOMES")
            for b in batches {
                let counts = Outcome.allCases.compactMap { o in b.counts[o].map { "\($0) \(o.rawValue)" } }.joined(separator: ", ")
                print(DisplayWidth.fit(b.id, 27) + " " + DisplayWidth.fit(SafeText.escape(b.target), 12) + " "
                      + DisplayWidth.fit(b.createdAt, 21) + " " + DisplayWidth.fit(String(b.orderCount), 7) + " " + counts
                      + (b.finishedAt == nil ? " (unfinished)" : ""))
            }
        }
    }
}

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "batch", abstract: "Work with one batch.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a batch: counts, every order's outcome, and each request and response.")

        @OptionGroup var common: CommonOptions

        @Argument(help: ArgumentHelp("The batch id (docket batches lists them).", valueName: "batch-id"))
        var batchId: String

        @Flag(help: "Print one JSON object: the batch, its counts, every order's outcome and its requests.")
        var json = false

        func run() throws {
            var allTaken = true
            try reportingErrors {
                let store = try common.openStoreForReading()
                guard let report = try store.batch(batchId) else { throw DocketError("there is no batch \(batchId) in the store", file: store.location) }
                allTaken = report.allTaken
                let requests = try store.requests(batch: batchId, withBodies: true)
                if json {
                    var value = report.json.objectValue!
                    value["requests"] = .array(requests.map { r in
                        .object(JSONObject([
                            .init("sequence", .number(String(r.sequence))), .init("attempt", .number(String(r.attempt))),
                            .init("method", .string(r.method)), .init("url", .string(r.url)),
                            .init("status", r.status.map { .number(String($0)) } ?? .null), .init("error", r.error.map { .string($0) } ?? .null),
                            .init("startedAt", .string(r.startedAt)), .init("milliseconds", .number(String(r.milliseconds))),
                            .init("orders", .array(r.orderIds.map { .string($0) })),
                            .init("requestBody", .string(String(decoding: r.requestBody, as: UTF8.self))),
                            .init("responseBody", .string(String(decoding: r.responseBody, as: UTF8.self))),
                        ]))
                    })
                    print(JSONWriter.string(.object(value), pretty: true))
                    return
                }
                print(Submit.summaryLine(report))
                printFailures(report.outcomes.filter { !$0.outcome.isTaken })
                print("\nRequests:")
                for r in requests {
                    let answer = r.status.map { "HTTP \($0)" } ?? "no answer (\(r.error ?? ""))"
                    print("  #\(r.sequence) attempt \(r.attempt): \(r.method) \(SafeText.escape(r.url)) with \(Plural.orders(r.orderIds.count)) → \(answer) in \(r.milliseconds) ms")
                }
                print("\nRaw bodies: docket batch show \(batchId) --json")
            }
            if !allTaken { throw ExitCode(2) }
        }
    }
}
