import ArgumentParser
import DocketCore
import Foundation

struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drop the request and response bodies of batches finished before a date.",
        discussion: """
            The bodies are the store's fastest-growing part. Every batch, request line (URL, status, \
            time, orders), outcome and error stays; each dropped body reads "(body dropped by docket \
            prune on DAY)". Bodies are stored compressed, by the month their batch began; on \
            PostgreSQL a month whose batches all finished before the date goes at once (its partition \
            is dropped), the rest a few hundred requests at a time, so consoles and batches being sent \
            carry on. Unfinished batches are never touched. Examples:
              docket prune --before 2026-09-01 --dry-run
              docket prune --before 2026-09-01
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("Batches finished before this day (YYYY-MM-DD) or time (an ISO 8601 UTC timestamp).", valueName: "date"))
    var before: String

    @Flag(help: "Say what would be dropped, and drop nothing.")
    var dryRun = false

    func validate() throws {
        let day = before.count == 10 && before.enumerated().allSatisfy { i, c in [4, 7].contains(i) ? c == "-" : c.isNumber }
        guard day || UTCTimestamp.normalized(before) != nil else {
            throw ValidationError("--before \(before) is not a day (YYYY-MM-DD) or a timestamp (2026-09-01T00:00:00Z)")
        }
    }

    func run() throws {
        try reportingErrors {
            guard let store = try common.openStore() as? any BodyPruning else { throw DocketError("this store cannot be pruned") }
            let cutoff = UTCTimestamp.normalized(before) ?? before
            let report = try store.prune(before: cutoff, dryRun: dryRun)
            let size = StoreCommand.Info.bytes(report.bytes)
            if dryRun {
                print("Would drop the bodies of \(Plural.of(report.requests, "request")) in \(Plural.of(report.batches, "batch", "batches")) finished before \(before) (\(size) as stored, compressed). Nothing was changed.")
            } else {
                print("Dropped the bodies of \(Plural.of(report.requests, "request")) in \(Plural.of(report.batches, "batch", "batches")) finished before \(before) (\(size) as stored, compressed); every batch, outcome and error stays.")
                if !report.months.isEmpty {
                    print("Whole months dropped at once: \(report.months.joined(separator: ", ")).")
                }
            }
        }
    }
}
