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
            equivalent fields.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: ArgumentHelp("Only orders sent to this target; --outcome and --changed then read what it said last.", valueName: "target"))
    var target: String?

    @Option(help: ArgumentHelp("json, docket, csv, cropster, centra, mirakl, omnia or dropday.", valueName: "format"))
    var format: String = "json"

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    static let formats = ["json", "docket", "csv"] + Dialect.allCases.map(\.rawValue)

    func validate() throws {
        guard Self.formats.contains(format) else {
            throw ValidationError("--format \(format) is not one of \(Self.formats.joined(separator: ", "))")
        }
    }

    func run() throws {
        try reportingErrors {
            let store = try common.openStore()
            var q = try selection.query()
            q.target = target
            var out = try Output(path: output)
            var count = 0
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
                count = orders.count
                if orders.isEmpty { throw DocketError("no orders match, so there is no request body to write") }
                let body = try dialect.codec.encodeRequest(orders, options: EncodeOptions())
                out.write(bytes: JSONWriter.data(body, pretty: true))
                out.write("\n")
            }
            out.flush()
            if output != nil || count == 0 {
                FileHandle.standardError.write(Data("docket: exported \(count) order\(count == 1 ? "" : "s")\n".utf8))
            }
        }
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
