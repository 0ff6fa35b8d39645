import ArgumentParser
import DocketCore
import DocketPostgres
import DocketStore
import Foundation

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "What a store holds, and moving it between SQLite and PostgreSQL.",
        subcommands: [Info.self, Copy.self])

    static func copying(_ location: String, _ config: DocketConfig) throws -> any StoreCopying {
        guard let store = try CommonOptions.open(location, config: config) as? any StoreCopying else {
            throw DocketError("this store cannot be copied", file: location)
        }
        return store
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The store's backend, schema, rows per table and what each part takes.")

        @OptionGroup var common: CommonOptions

        @Flag(help: "Print it as JSON.")
        var json = false

        func run() throws {
            try reportingErrors {
                let info = try StoreCommand.copying(common.storePath, try common.loadConfig()).info()
                var out = try Output()
                if json {
                    out.write(JSONWriter.string(.object(JSONObject([
                        .init("backend", .string(info.backend)), .init("location", .string(info.location)),
                        .init("connection", info.connection.map { .string($0) } ?? .null), .init("schema", .string(info.schema)),
                        .init("rows", .object(JSONObject(StoreTable.all.map { .init($0.name, .number(String(info.rows[$0.name] ?? 0))) }))),
                        .init("bytes", .object(JSONObject(info.sizes.map { .init($0.name, .number(String($0.bytes))) }))),
                    ])), pretty: true) + "\n")
                } else {
                    out.write("\(info.backend) store at \(info.location), schema \(info.schema)\n")
                    if let connection = info.connection { out.write("Connection: \(connection)\n") }
                    for t in StoreTable.all { out.write("  \(t.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(info.rows[t.name] ?? 0) rows\n") }
                    if !info.sizes.isEmpty { out.write("Space:\n") }
                    for s in info.sizes { out.write("  \(s.name.padding(toLength: max(24, s.name.count), withPad: " ", startingAt: 0)) \(Self.bytes(s.bytes))\n") }
                }
                out.flush()
            }
        }

        static func bytes(_ n: Int64) -> String {
            let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
            var v = Double(n), i = 0
            while v >= 1024, i < units.count - 1 { v /= 1024; i += 1 }
            return i == 0 ? "\(n) bytes" : String(format: "%.1f %@", v, units[i])
        }
    }

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a whole store (orders, versions, batches, the journal) to another, SQLite or PostgreSQL, either way.",
            discussion: """
                Streams each table a page at a time, so a store of any size copies in bounded memory. \
                The destination must be empty unless --append; each page goes in its own transaction. Examples:
                  docket store copy ~/.local/share/docket/docket.sqlite postgresql://docket@db.example.com/docket
                  docket store copy postgresql://docket@db.example.com/docket backup.sqlite
                """)

        @OptionGroup var common: CommonOptions

        @Argument(help: ArgumentHelp("The store to copy: a file or a postgresql:// URL.", valueName: "from"))
        var from: String

        @Argument(help: ArgumentHelp("Where to: a file (made if missing) or a postgresql:// URL.", valueName: "to"))
        var to: String

        @Flag(help: "Add to a destination that already holds orders (rows it already has stop the copy).")
        var append = false

        func run() throws {
            try reportingErrors {
                let config = try common.loadConfig()
                guard from != to else { throw DocketError("the source and the destination are the same store") }
                let source = try StoreCommand.copying(from, config)
                let destination = try StoreCommand.copying(to, config)
                if !append, !(try destination.info().isEmpty) {
                    throw DocketError("the destination already holds a store; copy into an empty one, or add --append", file: to)
                }
                var err = FileHandle.standardError
                for table in StoreTable.all {
                    var after: [JSONValue]?
                    var copied = 0
                    let page = table.name == "requests" ? 200 : 2000
                    while true {
                        let rows = try source.rows(of: table, after: after, limit: page)
                        guard let last = rows.last else { break }
                        try destination.insert(rows, into: table)
                        copied += rows.count
                        after = table.key(of: last)
                        if rows.count < page { break }
                    }
                    print("\(table.name): \(copied) rows", to: &err)
                }
                print("Copied \(source.location) to \(destination.location).")
            }
        }
    }
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) { write(Data(string.utf8)) }
}
