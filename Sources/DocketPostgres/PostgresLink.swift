import DocketCore
import Foundation
import Logging
import PostgresNIO

/// Where a PostgreSQL store is: `postgresql://USER@HOST[:PORT]/DB[?sslmode=require]`.
/// The password never comes from the URL (a command line and a config are
/// read by others): from `PGPASSWORD`, `~/.pgpass`, or the variable the
/// config names.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    /// `disable`, `prefer` and `require` as libpq means them (encrypted,
    /// the server's certificate not checked); `verify-full` checks it
    /// against the system's trusted roots and the host name.
    public var sslMode: String
    public var tls: Bool { sslMode != "disable" }

    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public init(_ text: String) throws(DocketError) {
        guard Self.isPostgres(text), let url = URLComponents(string: text) else {
            throw DocketError("\(text) is not a PostgreSQL URL (postgresql://USER@HOST[:PORT]/DATABASE)")
        }
        guard url.password == nil else {
            throw DocketError("the store URL holds a password, which anyone who can read the command line or the config could read: give it in PGPASSWORD or ~/.pgpass instead")
        }
        guard let host = url.host, !host.isEmpty else { throw DocketError("the store URL \(text) names no host") }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw DocketError("the store URL \(text) names no database (…/DATABASE at its end)") }
        self.user = url.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        self.host = host
        self.port = url.port ?? 5432
        self.database = database
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard ["disable", "require", "prefer", "verify-full"].contains(mode) else {
            throw DocketError("sslmode=\(mode) is not one of disable, prefer, require, verify-full")
        }
        sslMode = mode
    }

    public var description: String { "postgresql://\(user)@\(host):\(port)/\(database)\(tls ? "?sslmode=\(sslMode)" : "")" }

    /// The connection's TLS as the mode asks: one place for the store's
    /// connection and its LISTEN connection.
    func tlsConfiguration() throws -> PostgresConnection.Configuration.TLS {
        var config = TLSConfiguration.makeClientConfiguration()
        if sslMode != "verify-full" { config.certificateVerification = .none }
        switch sslMode {
        case "disable": return .disable
        case "prefer": return .prefer(try NIOSSLContext(configuration: config))
        default: return .require(try NIOSSLContext(configuration: config))
        }
    }

    /// PGPASSWORD, else the first matching line of ~/.pgpass.
    public func password(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let p = environment["PGPASSWORD"], !p.isEmpty { return p }
        let file = environment["PGPASSFILE"] ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.pgpass")
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            guard f.count == 5 else { continue }
            func match(_ pattern: String, _ value: String) -> Bool { pattern == "*" || pattern == value }
            if match(f[0], host), match(f[1], String(port)), match(f[2], database), match(f[3], user) { return f[4] }
        }
        return nil
    }
}

/// One connection, used by one caller at a time: the store's calls are
/// short and synchronous, as on SQLite. A lost connection is made again on
/// the next call.
final class PostgresLink: @unchecked Sendable {
    let url: PostgresURL
    let password: String?
    private let lock = NSRecursiveLock()
    private var connection: PostgresConnection?
    private var nextId = 1
    let logger = Logger(label: "docket.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    init(url: PostgresURL, password: String?) throws {
        self.url = url
        self.password = password
        _ = try locked { try current() }
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func current() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        let tls = try url.tlsConfiguration()
        let config = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: password,
                                                      database: url.database, tls: tls)
        do {
            nextId += 1
            let c = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: config,
                                                   id: nextId, logger: logger).wait()
            connection = c
            return c
        } catch {
            throw DocketError("cannot reach the PostgreSQL store \(url): \(Self.explain(error))")
        }
    }

    /// Runs one statement and returns its rows. Outside a transaction, a
    /// connection lost (a restarted server, a dropped network) is made
    /// again and the statement sent once more. Inside one, a deadlock or a
    /// serialization failure is passed up as such, so the transaction can
    /// run again.
    @discardableResult
    func query(_ sql: String, _ args: SQLArgs = SQLArgs()) throws -> [PostgresRandomAccessRow] {
        try locked {
            do {
                return try raw(sql, args)
            } catch where depth == 0 && Self.isConnectionLoss(error) {
                discard()
                do {
                    return try raw(sql, args)
                } catch {
                    throw DocketError(Self.explain(error))
                }
            } catch where depth > 0 && Self.isConflict(error) {
                throw Conflict(error: error)
            } catch {
                throw DocketError(Self.explain(error))
            }
        }
    }

    /// A statement sent inside a transaction and not yet waited for: the
    /// caller prepares the next while the server works on this one.
    struct Pending {
        fileprivate let result: EventLoopFuture<PostgresQueryResult>
    }

    func send(_ sql: String, _ args: SQLArgs) throws -> Pending {
        try locked {
            precondition(depth > 0, "send is for statements inside a transaction")
            return Pending(result: try current().query(PostgresQuery(unsafeSQL: sql, binds: args.binds), logger: logger))
        }
    }

    /// Waits for a sent statement; its errors are told as `query` tells them.
    func collect(_ pending: Pending) throws -> [PostgresRandomAccessRow] {
        try locked {
            do {
                return try pending.result.wait().rows.map { $0.makeRandomAccess() }
            } catch {
                if Self.isConnectionLoss(error) { discard() }
                if Self.isConflict(error) { throw Conflict(error: error) }
                throw DocketError(Self.explain(error))
            }
        }
    }

    private func raw(_ sql: String, _ args: SQLArgs) throws -> [PostgresRandomAccessRow] {
        let c = try current()
        do {
            let result = try c.query(PostgresQuery(unsafeSQL: sql, binds: args.binds), logger: logger).wait()
            return result.rows.map { $0.makeRandomAccess() }
        } catch {
            if Self.isConnectionLoss(error) { discard() }
            throw error
        }
    }

    private var depth = 0
    static let conflictAttempts = 8

    /// Runs `body` in one transaction on this connection; an error rolls it
    /// back. Nested calls join the outer transaction. A connection lost
    /// before the commit was acknowledged rolled the transaction back on
    /// the server, so it runs once more on a new connection. A deadlock
    /// with another process (the server ends one of the two) or a
    /// serialization failure also kept nothing: it runs again, a few times,
    /// after a short random pause so the two do not meet again. A body
    /// that cannot run twice (it reads standard input) says `retry: false`
    /// and the error is reported instead.
    func transaction<T>(retry: Bool = true, _ body: () throws -> T) throws -> T {
        try locked {
            if depth > 0 { return try body() }
            var conflicts = 0
            var reconnected = false
            while true {
                do {
                    return try once(body)
                } catch let lost as ConnectionLost {
                    guard retry, !reconnected else { throw DocketError(Self.explain(lost.error)) }
                    reconnected = true
                    discard()
                } catch let conflict as Conflict {
                    conflicts += 1
                    guard retry, conflicts < Self.conflictAttempts else {
                        throw DocketError(Self.explain(conflict.error) + "; tried \(conflicts) times while another process held the same rows")
                    }
                    Thread.sleep(forTimeInterval: Double.random(in: 0.005...0.05) * Double(conflicts))
                }
            }
        }
    }

    private struct ConnectionLost: Error { let error: any Error }
    private struct Conflict: Error { let error: any Error }

    private func once<T>(_ body: () throws -> T) throws -> T {
        depth += 1
        defer { depth -= 1 }
        do {
            _ = try raw("BEGIN", SQLArgs())
            let value = try body()
            // Asked before the commit, so that a connection lost while the
            // commit is on its way can be settled by asking the server.
            let row = try raw("SELECT txid_current_if_assigned(), pg_backend_pid()", SQLArgs()).first
            let xid = try row?[0].decode(Int64?.self, context: .default)
            let backend = try row?[1].decode(Int32.self, context: .default)
            do {
                _ = try raw("COMMIT", SQLArgs())
            } catch where Self.isConnectionLoss(error) {
                discard()
                // Nothing written: running it again loses and repeats nothing.
                guard let xid, let backend else { throw ConnectionLost(error: error) }
                switch settle(xid, backend: backend) {
                case .committed: return value
                case .aborted: throw ConnectionLost(error: error)
                case .unknown:
                    throw DocketError("lost touch with the database while it saved (\((error as? PSQLError)?.serverInfo?[.message] ?? "the connection closed")), and the database can no longer tell whether it kept the change: look before doing it again")
                }
            }
            return value
        } catch {
            if connection != nil { _ = try? raw("ROLLBACK", SQLArgs()) }
            if error is Conflict || error is ConnectionLost { throw error }
            if Self.isConflict(error) { throw Conflict(error: error) }
            if Self.isConnectionLoss(error) { throw ConnectionLost(error: error) }
            if let e = error as? DocketError, e.message.hasPrefix(Self.lostPrefix) { throw ConnectionLost(error: error) }
            throw (error as? DocketError) ?? DocketError(Self.explain(error))
        }
    }

    enum Settled { case committed, aborted, unknown }

    /// Whether a transaction whose COMMIT went out on a connection since
    /// lost was kept. Running it again without asking would do twice what
    /// was done once (a request line twice in the journal, an attempt
    /// counted twice, a save refused as stale against itself). The old
    /// session may not have seen its socket close yet: while the
    /// transaction is still in progress it is given a moment, then ended,
    /// which settles it one way or the other.
    private func settle(_ xid: Int64, backend: Int32) -> Settled {
        func status() throws -> String? {
            var a = SQLArgs()
            return try raw("SELECT txid_status(\(a.add(Int(xid))))", a).first?[0].decode(String?.self, context: .default)
        }
        do {
            for attempt in 0..<40 {
                switch try status() {
                case "committed": return .committed
                case "aborted": return .aborted
                case "in progress":
                    if attempt == 20 {
                        var a = SQLArgs()
                        _ = try raw("SELECT pg_terminate_backend(\(a.add(Int(backend)))::int)", a)
                    }
                    Thread.sleep(forTimeInterval: 0.05)
                default: return .unknown
                }
            }
        } catch {
            if Self.isConnectionLoss(error) { discard() }
        }
        return .unknown
    }

    /// Deadlock detected, or a serialization failure: the server undid the
    /// whole transaction and says running it again may succeed.
    static func isConflict(_ error: any Error) -> Bool {
        guard let p = error as? PSQLError, p.code == .server else { return false }
        return ["40P01", "40001"].contains(p.serverInfo?[.sqlState] ?? "")
    }

    static let lostPrefix = "the connection to the database was lost"

    /// The server went away (restarted, terminated our backend) or the
    /// network did: nothing of an unfinished transaction was kept.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if let e = error as? DocketError { return e.message.hasPrefix(lostPrefix) }
        guard let p = error as? PSQLError else { return false }
        switch p.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown: return true
        case .server:
            let state = p.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57P")
        default: return false
        }
    }

    func close() {
        locked {
            try? connection?.close().wait()
            connection = nil
        }
    }

    /// Lets a lost connection go. Its channel may not know yet that it is
    /// gone, and postgres-nio requires a connection to be closed before it
    /// is freed: it is closed here and kept until that completes. Nothing
    /// waits for it, since a half-dead channel can take long to close.
    private func discard() {
        guard let lost = connection else { return }
        connection = nil
        lost.close().whenComplete { _ in withExtendedLifetime(lost) {} }
    }

    deinit { try? connection?.close().wait() }

    static func explain(_ error: any Error) -> String {
        if let e = error as? DocketError { return e.message }
        if isConnectionLoss(error) { return "\(lostPrefix) (\((error as? PSQLError)?.serverInfo?[.message] ?? "closed")); try again" }
        if let p = error as? PSQLError {
            if let message = p.serverInfo?[.message] {
                let code = p.serverInfo?[.sqlState] ?? ""
                if code == "42501" { return "the database refused: \(message) (this role lacks the privilege; see the README's GRANTs)" }
                return "the database said: \(message)" + (code.isEmpty ? "" : " (\(code))")
            }
            return "\(p.code)"
        }
        return "\(error)"
    }
}

/// A statement's arguments, numbered as they are added (`$1`, `$2`, …).
struct SQLArgs {
    var binds = PostgresBindings()

    mutating func add(_ value: String) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func add(_ value: String?) -> String {
        if let value { binds.append(value) } else { binds.appendNull() }
        return "$\(binds.count)"
    }

    mutating func add(_ value: Int) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func add(_ value: Double) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// Bytes, as `bytea`.
    mutating func add(bytes: [UInt8]) -> String {
        binds.append(ByteBuffer(bytes: bytes))
        return "$\(binds.count)"
    }

    mutating func add(_ values: [String]) -> String {
        binds.append(values)
        return "$\(binds.count)"
    }
}

extension PostgresRandomAccessRow {
    func text(_ i: Int) throws -> String { try self[i].decode(String.self, context: .default) }
    func optionalText(_ i: Int) throws -> String? { try self[i].decode(String?.self, context: .default) }
    func int(_ i: Int) throws -> Int { try self[i].decode(Int.self, context: .default) }
    func optionalInt(_ i: Int) throws -> Int? { try self[i].decode(Int?.self, context: .default) }
    func bool(_ i: Int) throws -> Bool { try self[i].decode(Bool.self, context: .default) }
}
