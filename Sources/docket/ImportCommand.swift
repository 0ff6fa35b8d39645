import ArgumentParser
import DocketCore
import DocketStore
import Foundation

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import orders from files into the store.",
        discussion: """
            Each file is one transaction: a file with any error imports nothing, and the \
            message names the line or JSON path at fault. An order already in the store is \
            replaced if it is OPEN and left as it is otherwise (the summary says which).

            Formats: docket (Docket's own orders, one JSON object per line or a JSON list), \
            csv (one row per item line with an externalId column, as export --format csv writes), \
            or a request body exactly as a dialect's API takes it: cropster {"data":[...]}, \
            centra {"name": {order}, ...}, mirakl {"orders":[...],"origin":{...}}, \
            omnia {"version":"3","orders":[...]}, dropday {order} or [{order}, ...]. \
            With auto (the default) Docket tells them apart by their shape.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("auto, docket, csv, cropster, centra, mirakl, omnia or dropday.", valueName: "format"))
    var format: String = "auto"

    @Argument(help: ArgumentHelp("The files to import; - reads standard input.", valueName: "file"))
    var files: [String]

    func validate() throws {
        guard ImportFormat(rawValue: format) != nil else {
            throw ValidationError("--format \(format) is not one of \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard !files.isEmpty else { throw ValidationError("name at least one file to import") }
    }

    func run() throws {
        try reportingErrors {
            let store = try common.openStore()
            let reader = OrderFileReader()
            var failed = 0
            for file in files {
                do {
                    var read = ImportFormat.auto
                    let summary = try store.importOrders { emit in
                        read = try reader.read(path: file, format: ImportFormat(rawValue: format)!, emit)
                    }
                    report(file: file, format: read, summary)
                } catch let e as DocketError {
                    failed += 1
                    printError("\(e.description)\n  nothing was imported from \(file == "-" ? "standard input" : file)")
                }
            }
            if failed > 0 { throw ExitCode.failure }
        }
    }

    func report(file: String, format: ImportFormat, _ s: ImportSummary) {
        var line = "\(file == "-" ? "standard input" : SafeText.escape(file)) (\(format.rawValue)): \(s.total) order\(s.total == 1 ? "" : "s")"
        var parts: [String] = []
        if s.added > 0 { parts.append("\(s.added) added") }
        if s.replaced > 0 {
            let same = s.replacedUnchanged == 0 ? "" : s.replacedUnchanged == s.replaced ? " (no field changed)"
                : " (\(s.replacedUnchanged) with no field changed)"
            parts.append("\(s.replaced) replaced\(same)")
        }
        if s.keptNotOpenCount > 0 { parts.append("\(s.keptNotOpenCount) kept as they were (not OPEN)") }
        if !parts.isEmpty { line += ", " + parts.joined(separator: ", ") }
        print(line)
        if s.keptNotOpenCount > 0 {
            let shown = s.keptNotOpen.prefix(10).map(SafeText.escape).joined(separator: ", ")
            let more = s.keptNotOpenCount > 10 ? " and \(s.keptNotOpenCount - 10) more" : ""
            print("  not replaced, because only OPEN orders change: \(shown)\(more)")
        }
    }
}
