import DocketCore
import DocketPostgres
import Foundation

/// The PostgreSQL side of the benchmarks: `--store postgresql://USER@HOST:PORT/DB`
/// names a server (DB: any database this role may connect to), on which a
/// benchmark makes a database of its own.
enum PostgresBench {
    /// The server `--store` names, when it is a PostgreSQL URL.
    static var server: String? { storeFlag.flatMap { PostgresURL.isPostgres($0) ? $0 : nil } }

    /// A new, empty database on the server for `body`, dropped afterwards.
    static func withDatabase<T>(_ server: String, _ body: (String) throws -> T) throws -> T {
        let name = "docket_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let url = try PostgresOrderStore.createDatabase(server: server, name: name)
        defer { try? PostgresOrderStore.dropDatabase(server: server, name: name) }
        return try body(url)
    }

    static func withDatabase<T>(_ server: String, _ body: (String) async throws -> T) async throws -> T {
        let name = "docket_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let url = try PostgresOrderStore.createDatabase(server: server, name: name)
        defer { try? PostgresOrderStore.dropDatabase(server: server, name: name) }
        return try await body(url)
    }

    /// The database `name` on the server, made if it is not there: a store
    /// kept between runs (the console's million orders take a while to build).
    static func kept(_ server: String, name: String) throws -> String {
        var url = try PostgresURL(server)
        url.database = name
        if (try? PostgresOrderStore(url: url.description)) == nil {
            _ = try PostgresOrderStore.createDatabase(server: server, name: name)
        }
        return url.description
    }

    /// What the server itself can do: pgbench's TPC-B-like transactions per
    /// second, 2 clients for 10 s on a scale-10 database of its own.
    static func pgbenchBaseline(_ server: String) throws {
        guard let tool = which("pgbench") ?? ["/usr/lib/postgresql/15/bin/pgbench", "/usr/lib/postgresql/16/bin/pgbench"]
            .first(where: FileManager.default.isExecutableFile(atPath:)) else {
            report("postgres.pgbench_skipped", 1, "pgbench not installed")
            return
        }
        try withDatabase(server) { text in
            let url = try PostgresURL(text)
            func run(_ args: [String]) throws -> String {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: tool)
                p.arguments = ["-h", url.host, "-p", String(url.port), "-U", url.user] + args + [url.database]
                let out = Pipe()
                p.standardOutput = out
                p.standardError = FileHandle.nullDevice
                try p.run()
                let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.waitUntilExit()
                return text
            }
            _ = try run(["-i", "-q", "-s", "10"])
            let text = try run(["-c", "2", "-j", "2", "-T", "10"])
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
                  let tps = Double(line.split(separator: " ")[2]) else {
                throw DocketError("pgbench printed no tps line:\n\(text)")
            }
            report("postgres.pgbench_tps", tps, "transactions/s")
        }
    }
}
