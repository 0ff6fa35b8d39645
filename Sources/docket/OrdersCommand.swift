import ArgumentParser
import DocketCore
import DocketStore
import Foundation

struct Orders: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List orders in the store.",
        discussion: """
            Filters combine. Examples:
              docket orders --status OPEN --outcome rejected
              docket orders --target cropster --outcome rejected   # what Cropster refused last
              docket orders --changed                              # edited since they were sent
              docket orders --search "müller" --sort date --desc --limit 20
              docket orders --csv > orders.csv
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: ArgumentHelp("Only orders sent to this target; --outcome and --changed then read what it said last, and the OUTCOME column shows it.", valueName: "target"))
    var target: String?

    @Option(help: ArgumentHelp("Sort by id, date, customer, status, updated or outcome.", valueName: "key"))
    var sort: String = "id"

    @Flag(help: "Sort in descending order.")
    var desc = false

    @Option(help: ArgumentHelp("Show at most this many orders.", valueName: "n"))
    var limit: Int?

    @Flag(help: "Print a JSON list of orders.")
    var json = false

    @Flag(help: "Print CSV, one row per order.")
    var csv = false

    func validate() throws {
        guard OrderSort(rawValue: sort) != nil else {
            throw ValidationError("--sort \(sort) is not one of \(OrderSort.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if json && csv { throw ValidationError("choose one of --json and --csv") }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() throws {
        try reportingErrors {
            let store = try common.openStoreForReading()
            var q = try selection.query()
            q.target = target
            q.sort = OrderSort(rawValue: sort)!
            q.descending = desc
            var out = try Output()
            var cursor: PageCursor?
            var remaining = limit ?? Int.max
            var first = true
            if json { out.write("[") }
            if csv { out.write(CSV.row(Self.csvHeader)) }
            if !json && !csv { out.write(Self.tableHeader() + "\n") }
            while remaining > 0 {
                let page = try store.page(q, after: cursor, limit: min(1000, remaining))
                if page.isEmpty { break }
                for o in page {
                    if json {
                        out.write(first ? "\n" : ",\n")
                        out.write(bytes: JSONWriter.data(Self.json(o)))
                    } else if csv {
                        out.write(CSV.row(Self.csvRow(o)))
                    } else {
                        out.write(Self.tableRow(o, target: q.target) + "\n")
                    }
                    first = false
                }
                remaining -= page.count
                cursor = page.last!.cursor(q.sort)
            }
            if json { out.write(first ? "]\n" : "\n]\n") }
            out.flush()
            if first && !json && !csv {
                FileHandle.standardError.write(Data("docket: no orders match\n".utf8))
            }
        }
    }

    static let csvHeader = ["externalId", "status", "version", "importedFrom", "orderDate", "customer", "email", "country",
                            "currency", "total", "items", "lastOutcome", "lastTarget", "updatedAt"]

    static func csvRow(_ o: OrderSummary) -> [String] {
        [o.externalId, o.status.rawValue, String(o.version), o.importedFrom?.rawValue ?? "", o.orderDate, o.customer, o.email,
         o.country, o.currency, o.total, String(o.itemCount), o.lastOutcome ?? "", o.lastTarget ?? "", o.updatedAt]
    }

    static func json(_ o: OrderSummary) -> JSONValue {
        func opt(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        func text(_ s: String) -> JSONValue { s.isEmpty ? .null : .string(s) }
        return .object(JSONObject([
            .init("externalId", .string(o.externalId)), .init("status", .string(o.status.rawValue)),
            .init("version", .number(String(o.version))), .init("importedFrom", opt(o.importedFrom?.rawValue)),
            .init("orderDate", text(o.orderDate)), .init("customer", text(o.customer)), .init("email", text(o.email)),
            .init("country", text(o.country)), .init("currency", text(o.currency)),
            .init("total", o.total.isEmpty ? .null : .number(o.total)), .init("items", .number(String(o.itemCount))),
            .init("lastOutcome", opt(o.lastOutcome)), .init("lastTarget", opt(o.lastTarget)), .init("updatedAt", .string(o.updatedAt)),
        ]))
    }

    static let widths = [20, 10, 20, 24, 5, 12, 22]

    static func tableHeader() -> String {
        zip(["EXTERNAL ID", "STATUS", "ORDER DATE", "CUSTOMER", "ITEMS", "TOTAL", "OUTCOME"], widths)
            .map { DisplayWidth.fit($0, $1) }.joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    static func tableRow(_ o: OrderSummary, target: String?) -> String {
        let total = o.total.isEmpty ? "" : (o.currency.isEmpty ? o.total : "\(o.total) \(o.currency)")
        let cells = [o.externalId, o.status.rawValue, o.orderDate, o.customer, String(o.itemCount), total, o.outcomeText(listingTarget: target)]
        var line = ""
        for (i, (cell, width)) in zip(cells, widths).enumerated() {
            let safe = SafeText.escape(cell)
            line += i == cells.count - 1 ? safe : DisplayWidth.fit(safe, width) + " "
        }
        return line
    }
}
