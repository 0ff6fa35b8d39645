import DocketCore
import Foundation
import GRDB
import GRDBSQLite

/// Docket's store on one SQLite file, in WAL mode so several docket
/// processes (the console, a scheduled submit, an import) share it safely.
public final class SQLiteOrderStore: OrderStoring {
    public let path: String
    let pool: any DatabaseWriter
    /// Opened for reading only: a store whose file or folder this user
    /// cannot write still lists, shows and exports.
    public let readOnly: Bool

    /// How long a writer waits for another process's write to finish. An
    /// import of a million orders holds the lock for seconds, not minutes.
    public static let busyTimeout: TimeInterval = 300

    /// Opens `path` for reading only (no migration, no writes): for the
    /// commands that only read, when the store cannot be written.
    public init(readingOnly path: String) throws {
        self.path = path
        readOnly = true
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(Self.busyTimeout)
        // SQLite reads a WAL store read-only through its -shm file; with
        // none (no writer is at work) and no right to make one, the file is
        // read as it stands.
        let fm = FileManager.default
        let immutable = !fm.fileExists(atPath: path + "-shm") && !fm.fileExists(atPath: path + "-wal")
        let absolute = path.hasPrefix("/") ? path : fm.currentDirectoryPath + "/" + path
        let location = immutable ? "file:\(absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolute)?immutable=1" : path
        do {
            let queue = try DatabaseQueue(path: location, configuration: config)
            guard try queue.read({ try Schema.migrator.hasCompletedMigrations($0) }) else {
                throw DocketError("the store was made by an older docket and needs upgrading, which needs write access to it", file: path)
            }
            pool = queue
        } catch let error as DatabaseError {
            throw DocketError(Self.explain(error), file: path)
        }
    }

    /// A store on a database GRDB already opened: an in-memory one for
    /// tests (`DatabaseQueue()`), or a file with settings of the caller's.
    public init(writer: any DatabaseWriter, path: String = ":memory:") throws {
        self.path = path
        readOnly = false
        pool = writer
        do {
            try Schema.migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw DocketError(Self.explain(error), file: path)
        }
    }

    /// A new store in memory, gone with it.
    public static func inMemory() throws -> SQLiteOrderStore { try SQLiteOrderStore(writer: try DatabaseQueue()) }

    public init(path: String) throws {
        self.path = path
        readOnly = false
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw DocketError("cannot create the store's folder: \(error.localizedDescription)", file: folder)
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(Self.busyTimeout)
        config.prepareDatabase { db in
            // A new store gets 16 KiB pages (an existing one keeps its own):
            // an order row is about 1 KiB, and with SQLite's 4 KiB default
            // a million-order import spent a third of its time splitting
            // and logging pages (13 s against 9.5 s to write the same rows).
            try db.execute(sql: "PRAGMA page_size = 16384; PRAGMA synchronous = NORMAL")
        }
        // Two processes opening a store that does not exist yet (two
        // imports started together) collide while one of them creates it:
        // SQLite answers "busy" at once, without waiting, while the other
        // switches the new file to WAL mode. The loser opens it again. Only
        // a "busy" that came at once is such a collision; one after the
        // busy timeout is a store really in use, and says so. One start in
        // ten failed so before.
        var started = Date()
        do {
            pool = try Self.retrying({ [.SQLITE_BUSY, .SQLITE_LOCKED].contains($0.resultCode) && Date().timeIntervalSince(started) < 2 }) {
                started = Date()
                return try Self.open(path, config)
            }
        } catch let error as DatabaseError {
            throw DocketError(Self.explain(error), file: path)
        }
    }

    /// Opens the store and brings its schema up to date, or refuses one a
    /// newer Docket made rather than guess.
    private static func open(_ path: String, _ config: Configuration) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: config)
        if try pool.read({ try Schema.migrator.hasBeenSuperseded($0) }) {
            throw DocketError("the store was made by a newer Docket than this one; use that Docket, or a newer one", file: path)
        }
        // GRDB reads which migrations are applied before it takes the write
        // lock for each, so the second of two processes creating a store
        // finds a table the first just made. It then finds the schema
        // complete, or goes on from where the first got to.
        return try retrying({ _ in true }) {
            do {
                try Schema.migrator.migrate(pool)
            } catch let error as DatabaseError {
                guard try pool.read({ try Schema.migrator.hasCompletedMigrations($0) }) else { throw error }
            }
            return pool
        }
    }

    /// `body` again, up to 20 times and pausing a little longer each time,
    /// while its failure is one `collided` takes for another process's
    /// doing; any other failure is thrown.
    private static func retrying<T>(_ collided: (DatabaseError) -> Bool, _ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as DatabaseError where attempt < 20 && collided(error) {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.02 * Double(attempt))
            }
        }
    }

    static func explain(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_NOTADB: "this file is not a Docket store (not an SQLite database)"
        case .SQLITE_CANTOPEN: "cannot open the store (check the path and its permissions)"
        case .SQLITE_READONLY: "the store is read-only (check its permissions)"
        case .SQLITE_BUSY, .SQLITE_LOCKED: "the store stayed busy with another docket process for \(Int(busyTimeout)) s; try again"
        case .SQLITE_FULL: "the disk is full"
        case .SQLITE_CORRUPT: "the store file is damaged"
        default: "store error: \(error.message ?? error.description)"
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as DatabaseError {
            throw DocketError(Self.explain(error), file: path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw DocketError(Self.explain(error), file: path)
        }
    }

    static func now() -> String { Date().ISO8601Format() }
}
