import ArgumentParser
import DocketCore
import DocketStore
import Foundation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check orders against a target's rules before sending them.",
        discussion: """
            Every rule the target's API document states: required fields, allowed values, \
            ISO 8601 dates, ISO 4217 currencies, ISO country codes, quantities above 0, \
            item lists that are not empty, and rules across orders (Mirakl line ids unique \
            across the channel; Omnia item ids in the contract's products_file when given). \
            Orders are checked as they would be sent, after Docket fills a dialect's fields \
            from their equivalents, and each problem names the canonical field \
            (items[0].quantity) and the vendor's own.

            With no selection flags: every OPEN order this target has not yet taken. \
            Exit status: 0 all pass, 2 some fail, 1 the command failed.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("The configured target to check against.", valueName: "target"))
    var target: String

    @OptionGroup var selection: SelectionOptions

    @Flag(help: "Print one JSON object with every failing order and its errors.")
    var json = false

    func run() throws {
        var failed = 0
        try reportingErrors {
            let config = try common.loadConfig()
            let target = try config.target(self.target)
            let validator = try target.validator
            let store = try common.openStoreForReading()
            let q = try selection.query(for: target)
            var check = OrderValidator.Selection(validator: validator)
            var failing: [(String, [OrderIssue])] = []
            // What goes out changed (a date moved to UTC, a price rounded):
            // not failures, but said before anything is sent.
            var converted: [(String, [OrderIssue])] = []
            var checked = 0
            try store.forEachOrder(q) { stored in
                checked += 1
                let issues = check.check(stored.order)
                if !issues.isEmpty { failing.append((stored.order.externalId, issues)) }
                let notes = validator.conversions(stored.order)
                if !notes.isEmpty { converted.append((stored.order.externalId, notes)) }
            }
            failed = failing.count
            if json {
                print(JSONWriter.string(.object(JSONObject([
                    .init("target", .string(target.name)), .init("dialect", .string(target.dialect.rawValue)),
                    .init("checked", .number(String(checked))), .init("passed", .number(String(checked - failed))),
                    .init("failed", .number(String(failed))),
                    .init("orders", .array(failing.map { id, issues in
                        .object(JSONObject([.init("externalId", .string(id)), .init("errors", .array(issues.map(\.json)))]))
                    })),
                    .init("converted", .array(converted.map { id, notes in
                        .object(JSONObject([.init("externalId", .string(id)), .init("changes", .array(notes.map(\.json)))]))
                    })),
                ])), pretty: true))
                return
            }
            if checked == 0 {
                print("No orders to check for \(target.name)\(selection.isEmpty ? " (every OPEN order has been taken there)" : "").")
                return
            }
            print("Checked \(checked) order\(checked == 1 ? "" : "s") for \(target.name) (\(target.dialect.displayName)): "
                  + (failed == 0 ? "all pass." : "\(failed) fail\(failed == 1 ? "s" : "").") )
            if !converted.isEmpty {
                print("\(Plural.orders(converted.count)) \(converted.count == 1 ? "goes" : "go") out with values changed as \(target.dialect.displayName) needs them:")
                for (id, notes) in converted.prefix(50) {
                    for note in notes { print("  \(SafeText.escape(id))  \(SafeText.escape(note.message))") }
                }
                if converted.count > 50 { print("  … and \(converted.count - 50) more; --json lists them all") }
            }
            for (id, issues) in failing {
                print("\n\(SafeText.escape(id))")
                let width = min(36, issues.map { DisplayWidth.of($0.field ?? "") }.max() ?? 0)
                for issue in issues {
                    print("  " + DisplayWidth.fit(SafeText.escape(issue.field ?? "(order)"), max(width, 7)) + "  " + SafeText.escape(issue.message))
                }
            }
        }
        if failed > 0 { throw ExitCode(2) }
    }
}
