import ArgumentParser
import DocketCore
import DocketStore
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write orders out as JSON, CSV, or a dialect's request body.",
        discussion: """
            Formats:
              json      a JSON list of Docket orders (re-imports with docket import)
              docket    Docket orders, one JSON object per line (the same, streamed)
              csv       one row per item line, order fields repeated
              cropster, centra, mirakl, omnia, dropday
                        one request body as that API takes it. An order imported in \
            that dialect comes out exactly as it came in; others are filled from their \
            equivalent fields. When one target of that dialect is configured, its settings \
            fill what the body needs (Mirakl's origin).

            --as TARGET writes the body exactly as docket submit would send these orders \
            to that configured target, byte for byte: its settings, Centra's order \
            number, Cropster dates in UTC, Dropday's test switch.

            A dialect body is checked as the target would check it. Orders it would refuse \
            (an unknown field for Omnia, say) are named on standard error; with --as they \
            stop the export, since that body is meant to be sent. --skip-invalid leaves \
            them out instead.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: ArgumentHelp("Only orders sent to this target; --outcome and --changed then read what it said last.", valueName: "target"))
    var target: String?

    @Option(help: ArgumentHelp("json, docket, csv, cropster, centra, mirakl, omnia or dropday.", valueName: "format"))
    var format: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("Write the request body exactly as submit sends it to this target.", valueName: "target"))
    var asTarget: String?

    @Flag(help: "Leave out orders the target would refuse, instead of stopping.")
    var skipInvalid = false

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    static let formats = ["json", "docket", "csv"] + Dialect.allCases.map(\.rawValue)

    func validate() throws {
        if let format, !Self.formats.contains(format) {
            throw ValidationError("--format \(format) is not one of \(Self.formats.joined(separator: ", "))")
        }
        if asTarget != nil, let format, Dialect(rawValue: format) == nil {
            throw ValidationError("--as writes a target's request body; it does not go with --format \(format)")
        }
    }

    func run() throws {
        try reportingErrors {
            let config = try common.loadConfig()
            let store = try common.openStoreForReading(config: config)
            var q = try selection.query()
            q.target = target
            var out = try Output(path: output)
            var count = 0
            var format = self.format ?? "json"
            var sendTo: TargetConfig?
            if let asTarget {
                let t = try config.target(asTarget)
                if let given = self.format, given != t.dialect.rawValue {
                    throw DocketError("target \(asTarget) speaks \(t.dialect.rawValue), not \(given)")
                }
                format = t.dialect.rawValue
                sendTo = t
            }
            switch format {
            case "json":
                out.write("[")
                try store.forEachOrder(q) { s in
                    out.write(count == 0 ? "\n" : ",\n")
                    out.write(bytes: JSONWriter.data(CanonicalCodec.encode(s.order)))
                    count += 1
                }
                out.write(count == 0 ? "]\n" : "\n]\n")
            case "docket":
                try store.forEachOrder(q) { s in
                    out.write(bytes: JSONWriter.data(CanonicalCodec.encode(s.order)))
                    out.write("\n")
                    count += 1
                }
            case "csv":
                out.write(CSV.row(Self.csvHeader))
                try store.forEachOrder(q) { s in
                    for row in Self.csvRows(s) { out.write(CSV.row(row)) }
                    count += 1
                }
            default:
                let dialect = Dialect(rawValue: format)!
                var orders: [Order] = []
                try store.forEachOrder(q) { orders.append($0.order) }
                if orders.isEmpty { throw DocketError("no orders match, so there is no request body to write") }
                // Faithful bodies still take what the one configured target
                // of this dialect adds (Mirakl's origin), so they can be sent.
                let configured = sendTo ?? config.targets.values.filter { $0.dialect == dialect }
                    .singleElement
                var options = configured?.encodeOptions ?? EncodeOptions()
                if sendTo == nil { options.mode = .faithful }
                orders = try Self.checked(orders, dialect: dialect, options: options, target: configured,
                                          skipInvalid: skipInvalid, strict: sendTo != nil)
                count = orders.count
                if orders.isEmpty { throw DocketError("every matching order would be refused, so there is no request body to write") }
                if let sendTo {
                    out.write(bytes: try sendTo.requestBody(orders))
                    if output == nil { out.write("\n") }
                } else {
                    out.write(bytes: JSONWriter.data(try dialect.codec.encodeRequest(orders, options: options), pretty: true))
                    out.write("\n")
                }
            }
            out.flush()
            if output != nil || count == 0 {
                FileHandle.standardError.write(Data("docket: exported \(count) order\(count == 1 ? "" : "s")\n".utf8))
            }
        }
    }

    /// The orders the target would take; the others stop the export with
    /// their errors, or are left out (and counted) with `skipInvalid`.
    static func checked(_ orders: [Order], dialect: Dialect, options: EncodeOptions, target: TargetConfig?,
                        skipInvalid: Bool, strict: Bool) throws -> [Order] {
        let validator = try target?.validator ?? OrderValidator(dialect: dialect, options: options)
        let problems = validator.validate(orders)
        guard !problems.isEmpty else { return orders }
        if skipInvalid {
            printError("left out \(Plural.orders(problems.count)) that \(dialect.displayName) would refuse (docket validate lists why)")
            return orders.filter { problems[$0.externalId] == nil }
        }
        var lines: [String] = []
        for order in orders where problems[order.externalId] != nil {
            for issue in problems[order.externalId]! {
                lines.append("  \(SafeText.escape(order.externalId))  \(issue.field.map { SafeText.escape($0) + "  " } ?? "")\(SafeText.escape(issue.message))")
            }
            if lines.count >= 10 { break }
        }
        let text = "\(Plural.orders(problems.count)) would be refused by \(dialect.displayName):\n" + lines.prefix(10).joined(separator: "\n")
        guard strict else {
            printError("warning: " + text + "\n--skip-invalid leaves them out.")
            return orders
        }
        throw DocketError(text + "\nFix them, narrow the selection, or pass --skip-invalid to leave them out.")
    }

    static let csvHeader = ["externalId", "status", "importedFrom", "orderDate", "customer", "email", "currency", "total",
                            "shippingCost", "line", "sku", "productId", "ean", "name", "quantity", "unitPrice",
                            "lastOutcome", "lastTarget"]

    static func csvRows(_ s: StoredOrder) -> [[String]] {
        let o = s.order
        let head = [o.externalId, o.status.rawValue, o.importedFrom?.rawValue ?? "", o.orderDate ?? "",
                    o.customer?.displayName ?? o.billingAddress?.fullName ?? o.shippingAddress?.fullName ?? "",
                    o.customer?.email ?? "", o.currency ?? "", o.total.map(DecimalText.format) ?? "",
                    o.shippingCost.map(DecimalText.format) ?? ""]
        let tail = [s.lastOutcome ?? "", s.lastTarget ?? ""]
        if o.items.isEmpty { return [head + ["", "", "", "", "", "", ""] + tail] }
        return o.items.enumerated().map { (i, item) in
            head + [String(i + 1), item.sku ?? "", item.productId ?? "", item.ean?.text ?? "", item.name ?? "",
                    item.quantity.map(DecimalText.format) ?? "", item.unitPrice.map(DecimalText.format) ?? ""] + tail
        }
    }
}

extension Collection {
    /// The one element, or nil when there are none or several.
    var singleElement: Element? { count == 1 ? first : nil }
}
