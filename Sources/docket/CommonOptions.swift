import ArgumentParser
import DocketConfig
import DocketCore
import DocketPostgres
import DocketStore
import Foundation

/// `--store` and `--config`, which every command takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store: an SQLite file, or postgresql://USER@HOST[:PORT]/DATABASE[?sslmode=require] for a team's database (the password from PGPASSWORD or ~/.pgpass, never the URL).", discussion: "Default: $DOCKET_STORE, else $XDG_DATA_HOME/docket/docket.sqlite (~/.local/share/docket/).", valueName: "path-or-url"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp("The config file.", discussion: "Default: $DOCKET_CONFIG, else $XDG_CONFIG_HOME/docket/config.toml (~/.config/docket/).", valueName: "path"))
    var config: String?

    /// A file's path, or a PostgreSQL URL.
    var storePath: String { store ?? DocketPaths.defaultStore() }

    /// Loads the config first: like ssh with a readable key, Docket will not
    /// run with a config that exposes a secret.
    func openStore(config: DocketConfig? = nil) throws -> any DocketStore {
        try Self.open(storePath, config: try config ?? loadConfig())
    }

    /// A file is an SQLite store; `postgresql://…` a PostgreSQL one, whose
    /// password is in the variable the config's `[store] password_env`
    /// names, else PGPASSWORD or ~/.pgpass.
    static func open(_ location: String, config: DocketConfig?) throws -> any DocketStore {
        if PostgresURL.isPostgres(location) { return try PostgresOrderStore(url: location, password: try config?.storePassword()) }
        return try SQLiteOrderStore(path: location)
    }

    /// For commands that only read: a store this user may not write (its
    /// file or folder read-only) is opened for reading instead of refused.
    func openStoreForReading(config: DocketConfig? = nil) throws -> any DocketStore {
        let config = try config ?? loadConfig()
        let path = storePath
        if PostgresURL.isPostgres(path) { return try Self.open(path, config: config) }
        let folder = (path as NSString).deletingLastPathComponent
        let writable = FileManager.default.isWritableFile(atPath: path)
            && FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder)
        if FileManager.default.fileExists(atPath: path), !writable {
            return try SQLiteOrderStore(readingOnly: path)
        }
        return try SQLiteOrderStore(path: path)
    }

    func loadConfig() throws -> DocketConfig {
        if let config { return try ConfigLoader.load(path: config, explicit: true) }
        let (path, explicit) = DocketPaths.defaultConfig()
        return try ConfigLoader.load(path: path, explicit: explicit)
    }
}

/// Which orders a command works on.
struct SelectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only orders with this local status: OPEN, PROCESSING, CLOSED, CANCELLED (comma-separated for several).", valueName: "status"))
    var status: String?

    @Option(help: ArgumentHelp("Only orders whose latest outcome is this: accepted, exists, rejected, not_saved, skipped, unknown, pending, none (never sent), or failed (rejected, not_saved, unknown and skipped); comma-separated for several. With a target, what that target said last.", valueName: "outcome"))
    var outcome: String?

    @Flag(help: "Only orders changed (edited or imported again) since their outcome: at the target when one is given, else at any.")
    var changed = false

    @Option(help: ArgumentHelp("Only orders with these external ids (comma-separated).", valueName: "A,B,C"))
    var ids: String?

    @Option(help: ArgumentHelp("Only orders whose external id, customer or SKU starts with these words.", valueName: "text"))
    var search: String?

    func query() throws -> OrderQuery {
        var q = OrderQuery()
        if let status {
            q.statuses = try list(status).map { s in
                guard let st = OrderStatus(rawValue: s.uppercased()) else {
                    throw ValidationError("--status \(s) is not one of OPEN, PROCESSING, CLOSED, CANCELLED")
                }
                return st
            }
        }
        if let outcome {
            let known: Set<String> = ["accepted", "exists", "rejected", "not_saved", "skipped", "unknown", "pending", "none", "failed"]
            for o in try list(outcome).map({ o in
                let lower = o.lowercased()
                guard known.contains(lower) else {
                    throw ValidationError("--outcome \(o) is not one of \(known.sorted().joined(separator: ", "))")
                }
                return lower
            }) {
                for each in (o == "failed" ? RefusalGrouping.failedNames : [o]) where !q.outcomes.contains(each) { q.outcomes.append(each) }
            }
        }
        if let ids { q.ids = list(ids) }
        if let search, !search.trimmingCharacters(in: .whitespaces).isEmpty { q.search = search }
        q.changed = changed
        return q
    }

    /// No selection flag given: the command's default selection applies.
    var isEmpty: Bool { status == nil && outcome == nil && ids == nil && search == nil && !changed }

    /// The selection, with `--outcome` and `--changed` read at `target`;
    /// with no flags, PRODUCT.md's default for sending to it: every OPEN
    /// order it has not yet taken, or took before a change when it can
    /// update orders. `skipUnchanged`: an `--outcome` that names rejected
    /// takes only the refused orders changed since.
    func query(for target: TargetConfig, skipUnchanged: Bool = false) throws -> OrderQuery {
        if isEmpty { return .sendable(to: target.name, canUpdate: target.dialect.updatesOrders) }
        var q = try query()
        if !q.outcomes.isEmpty || changed { q.target = target.name }
        q.skipUnchangedRefusals = skipUnchanged && q.outcomes.contains("rejected")
        return q
    }

    func list(_ s: String) -> [String] {
        s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// Runs a command body, turning a Docket error into its message on stderr
/// and exit status 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as DocketError {
        printError(e.description)
        throw ExitCode.failure
    }
}

/// The same for a command that sends: its body returns the exit status
/// (0 done, 2 some orders did not make it).
func reportingErrors(_ body: () async throws -> Int32) async throws {
    var code: Int32 = 0
    do {
        code = try await body()
    } catch let e as DocketError {
        printError(e.description)
        throw ExitCode.failure
    }
    if code != 0 { throw ExitCode(code) }
}

func printError(_ message: String) {
    // Escaped line by line: our own messages may span lines, but nothing
    // from an order reaches the terminal as a control character.
    let safe = message.split(separator: "\n", omittingEmptySubsequences: false).map { SafeText.escape(String($0)) }
    FileHandle.standardError.write(Data(("docket: " + safe.joined(separator: "\n") + "\n").utf8))
}

/// Buffered stdout for listings that may run to a million lines.
struct Output {
    var buffer: [UInt8] = []
    let handle: FileHandle

    init(path: String? = nil) throws {
        if let path {
            guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                throw DocketError("cannot write this file", file: path)
            }
            handle = h
        } else {
            handle = .standardOutput
        }
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
