import ArgumentParser
import DocketCore
import DocketStore
import Foundation

struct Fix: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Change one field on many orders at once, after showing every change.",
        discussion: """
            Prints every order and field that would change, checked against the rules of the \
            target that last refused each order (or --target's), then saves each order at the \
            version it was read at: an order someone changed meanwhile is listed and left as it \
            is. Only OPEN orders change. Examples:
              docket fix --replace 'items[*].productId' RETIRED-33 COL-1KG-WB --target omnia --outcome rejected --dry-run
              docket fix --set currency=EUR --ids A-1,A-2
            items[*].FIELD means that field on every item line (--replace: the lines holding OLD).
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: ArgumentHelp("Set a field to a value on every selected order.", valueName: "FIELD=VALUE"))
    var set: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Replace one exact value of a field by another.", valueName: "FIELD OLD NEW"))
    var replace: [String] = []

    @Option(help: ArgumentHelp("Only orders sent to this target, checked against its rules (--outcome then reads what it said last).", valueName: "target"))
    var target: String?

    @Flag(help: "Show what would change, and change nothing.")
    var dryRun = false

    func validate() throws {
        guard (set != nil) != !replace.isEmpty else { throw ValidationError("give one of --set FIELD=VALUE and --replace FIELD OLD NEW") }
        if !replace.isEmpty, replace.count != 3 { throw ValidationError("--replace takes three values: FIELD OLD NEW (quote values with spaces)") }
        if let set, !set.contains("=") { throw ValidationError("--set takes FIELD=VALUE, e.g. --set currency=EUR") }
    }

    var fix: BulkFix {
        if let set, let eq = set.firstIndex(of: "=") {
            return .set(field: String(set[..<eq]), value: String(set[set.index(after: eq)...]))
        }
        return .replace(field: replace[0], old: replace[1], new: replace[2])
    }

    func run() throws {
        try reportingErrors {
            let config = try common.loadConfig()
            let fix = self.fix
            try fix.check()
            let store = dryRun ? try common.openStoreForReading(config: config) : try common.openStore(config: config)
            var q = try selection.query()
            q.target = target
            var orders: [StoredOrder] = []
            try store.forEachOrder(q) { orders.append($0) }
            var validators: [String: OrderValidator] = [:]
            for t in config.targets.values { validators[t.name] = try? t.validator }
            let preview = FixPreview.make(fix, orders: orders) { stored in
                guard let name = target ?? stored.lastTarget, let v = validators[name] else { return nil }
                return (name, v)
            }
            var out = try Output()
            out.write("Fix: \(fix.description), on \(Plural.orders(orders.count)) selected\n")
            for line in preview.report { out.write(line.text + "\n") }
            if dryRun {
                out.write("Dry run: nothing was saved.\n")
            } else {
                let result = FixResult.save(preview, to: store)
                out.write(result.summary + "\n")
                for c in result.conflicts { out.write("  \(c.externalId): \(c.why)\n") }
                out.flush()
                if !result.conflicts.isEmpty { throw ExitCode.failure }
            }
            out.flush()
        }
    }
}
