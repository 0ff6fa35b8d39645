/// The store's tables as both stores hold them: what `docket store copy`
/// moves and `docket store info` counts. One list, so the two stores and
/// the copy agree on every column.
public struct StoreTable: Sendable {
    /// `bytes` travels in a copy as hexadecimal text.
    public enum Kind: String, Sendable { case text, int, real, bool, bytes }

    public var name: String
    /// The columns, in order; the key's come first.
    public var columns: [(name: String, kind: Kind)]
    /// How many leading columns are the key a copy pages by.
    public var keyCount: Int

    public var key: [String] { columns.prefix(keyCount).map(\.name) }
    public var names: [String] { columns.map(\.name) }

    /// Orders first (batches name them), the history last.
    public static let all: [StoreTable] = [
        StoreTable(name: "orders", columns: [
            ("external_id", .text), ("status", .text), ("version", .int), ("imported_from", .text), ("order_date", .text),
            ("customer", .text), ("email", .text), ("country", .text), ("currency", .text), ("total", .text), ("item_count", .int),
            ("skus", .text), ("last_outcome", .text), ("last_target", .text), ("last_batch", .text), ("created_at", .text),
            ("updated_at", .text), ("body", .text),
        ], keyCount: 1),
        StoreTable(name: "batches", columns: [
            ("id", .text), ("target", .text), ("dialect", .text), ("created_at", .text), ("finished_at", .text), ("order_count", .int),
            ("final_counts", .text), ("owner_host", .text), ("owner_pid", .int), ("heartbeat", .real),
        ], keyCount: 1),
        StoreTable(name: "batch_orders", columns: [
            ("batch_id", .text), ("external_id", .text), ("position", .int), ("outcome", .text), ("remote_ids", .text), ("errors", .text),
            ("updated_at", .text), ("attempts", .int), ("version", .int),
        ], keyCount: 2),
        StoreTable(name: "requests", columns: [
            ("id", .int), ("batch_id", .text), ("sequence", .int), ("attempt", .int), ("method", .text), ("url", .text),
            ("status", .int), ("error", .text), ("started_at", .text), ("milliseconds", .int), ("order_ids", .text), ("pruned", .text),
        ], keyCount: 1),
        // Bodies apart from the request lines, compressed (`StoredBody`),
        // by the month their batch began: the part pruning drops.
        StoreTable(name: "request_bodies", columns: [
            ("request_id", .int), ("month", .text), ("request", .bytes), ("response", .bytes),
        ], keyCount: 1),
        StoreTable(name: "order_targets", columns: [
            ("external_id", .text), ("target", .text), ("outcome", .text), ("batch_id", .text), ("version", .int), ("hold", .bool),
            ("updated_at", .text),
        ], keyCount: 2),
        StoreTable(name: "order_versions", columns: [
            ("external_id", .text), ("version", .int), ("at", .text), ("store_user", .text), ("os_user", .text), ("source", .text),
            ("changes", .text),
        ], keyCount: 2),
    ]
}

/// A request line and its bodies as one row, as both stores select it
/// (`r` the request line, `rb` its bodies): read back by these names.
/// Without bodies, the body columns are NULL and nothing is joined.
public enum RequestLineColumns {
    public static func select(bodies: Bool) -> String {
        let b = bodies ? "r.pruned, rb.request, rb.response"
            : "CAST(NULL AS TEXT) AS pruned, CAST(NULL AS BYTEA) AS request, CAST(NULL AS BYTEA) AS response"
        return """
            r.sequence, r.attempt, r.method, r.url, r.status, r.error, r.started_at, r.milliseconds, r.order_ids, \(b)
            FROM requests r\(bodies ? " LEFT JOIN request_bodies rb ON rb.request_id = r.id" : "")
            """
    }
}

/// A store that can hand out and take in its tables' rows whole: the two
/// ends of `docket store copy`. Rows are JSON objects by column name.
public protocol StoreCopying: DocketStore {
    /// Up to `limit` rows of `table` after the row whose key is `after`
    /// (nil: from the first), in key order.
    func rows(of table: StoreTable, after: [JSONValue]?, limit: Int) throws -> [JSONObject]
    /// Adds rows, in one transaction per call.
    func insert(_ rows: [JSONObject], into table: StoreTable) throws
    /// Rows in each table, and what the store takes on disk (bytes), by part.
    func info() throws -> StoreInfo
}

extension StoreTable {
    /// A row as both stores take it: each column's value in its kind (a
    /// flag is true or false, not 1 or 0), missing ones null.
    public func normalized(_ row: JSONObject) -> JSONObject {
        JSONObject(columns.map { c in
            let v = row[c.name] ?? .null
            switch (c.kind, v) {
            case (.bool, .number(let n)): return .init(c.name, .bool(n != "0"))
            case (.bool, .string(let t)): return .init(c.name, .bool(t == "t" || t == "true" || t == "1"))
            default: return .init(c.name, v)
            }
        })
    }

    /// The key of a row, for paging on after it.
    public func key(of row: JSONObject) -> [JSONValue] { key.map { row[$0] ?? .null } }
}

public struct StoreInfo: Sendable, Equatable {
    public var backend: String
    public var location: String
    public var schema: String
    public var rows: [String: Int]
    /// Bytes on disk, by part (a file, a table with its indexes).
    public var sizes: [(name: String, bytes: Int64)]
    /// A server's connection, in words ("encrypted (TLSv1.3)"); nil for a file.
    public var connection: String?

    public init(backend: String, location: String, schema: String, rows: [String: Int], sizes: [(name: String, bytes: Int64)]) {
        self.backend = backend
        self.location = location
        self.schema = schema
        self.rows = rows
        self.sizes = sizes
    }

    public static func == (a: StoreInfo, b: StoreInfo) -> Bool {
        a.backend == b.backend && a.location == b.location && a.schema == b.schema && a.rows == b.rows
    }

    public var isEmpty: Bool { rows.values.allSatisfy { $0 == 0 } }
}

/// What `docket prune` drops, or would: the bodies of finished batches'
/// requests. Every batch, request line, outcome and error stays.
public struct PruneReport: Sendable, Equatable {
    public var batches = 0
    public var requests = 0
    /// The bodies' size, as stored (compressed).
    public var bytes: Int64 = 0
    /// Months whose bodies were all prunable and went at once (PostgreSQL
    /// drops such a month's partition instead of its rows).
    public var months: [String] = []

    public init(batches: Int = 0, requests: Int = 0, bytes: Int64 = 0, months: [String] = []) {
        self.batches = batches
        self.requests = requests
        self.bytes = bytes
        self.months = months
    }

    /// What a pruned request's body reads as from then on (`day`: the
    /// request line's `pruned`).
    public static func marker(_ day: String) -> String { "(body dropped by docket prune on \(day))" }
}

/// A store whose old request bodies can be dropped, a few hundred at a
/// time, so a running batch and the consoles never wait long for it.
public protocol BodyPruning: DocketStore {
    /// Bodies of batches finished before `before` (a date or time, as the
    /// store writes them); with `dryRun`, only counts them.
    func prune(before: String, dryRun: Bool) throws -> PruneReport
}
