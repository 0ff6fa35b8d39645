import DocketCore
import Foundation
import GRDB

/// Batches, their requests and every order's outcome: the audit trail and
/// the journal that lets an interrupted batch be finished.
extension SQLiteOrderStore: BatchJournal, BatchHistory {
    public static func newBatchId() -> String {
        let stamp = Date().ISO8601Format().replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
        return "B\(stamp.prefix(15))-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }

    /// Writes the batch and its orders, all `pending`, before anything is sent.
    public func createBatch(id: String, target: String, dialect: Dialect, externalIds: [String]) throws {
        try write { db in
            let now = Self.now()
            try db.execute(sql: "INSERT INTO batches (id, target, dialect, created_at, order_count) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, target, dialect.rawValue, now, externalIds.count])
            let insert = try db.makeStatement(sql: """
                INSERT OR IGNORE INTO batch_orders (batch_id, external_id, position, outcome, updated_at) VALUES (?, ?, ?, 'pending', ?)
                """)
            for (i, externalId) in externalIds.enumerated() { try insert.execute(arguments: [id, externalId, i, now]) }
        }
    }

    /// One answer and the outcomes it settled, in one transaction: after a
    /// crash, an order is either settled with its answer kept, or pending.
    public func recordResponse(batch: String, target: String, _ r: RequestRecord, settled: [OrderOutcome]) throws {
        try record(batch: batch, target: target, [.response(r, settled: settled)])
    }

    public func record(batch: String, target: String, _ entries: [JournalEntry]) throws {
        try write { db in
            for entry in entries {
                switch entry {
                case .sending(let ids): try Self.incrementAttempts(db, batch: batch, ids)
                case .response(let r, let settled):
                    try Self.insertRequest(db, batch: batch, r)
                    try Self.insertOutcomes(db, batch: batch, target: target, settled)
                case .outcomes(let settled): try Self.insertOutcomes(db, batch: batch, target: target, settled)
                }
            }
        }
    }

    static func incrementAttempts(_ db: Database, batch: String, _ ids: [String]) throws {
        let stmt = try db.cachedStatement(sql: "UPDATE batch_orders SET attempts = attempts + 1 WHERE batch_id = ? AND external_id = ?")
        for id in ids { try stmt.execute(arguments: [batch, id]) }
    }

    /// Orders of a batch still without an outcome, with how often they went out.
    public func pendingOrders(batch: String) throws -> [(externalId: String, attempts: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT external_id, attempts FROM batch_orders WHERE batch_id = ? AND outcome = 'pending' ORDER BY position",
                             arguments: [batch]).map { ($0[0], $0[1]) }
        }
    }

    /// Batches that never finished (the process stopped), newest first.
    public func unfinishedBatches() throws -> [BatchSummary] {
        try batches().filter { $0.finishedAt == nil }
    }

    static func insertRequest(_ db: Database, batch: String, _ r: RequestRecord) throws {
        try db.execute(sql: """
            INSERT INTO requests (batch_id, sequence, attempt, method, url, request_body, status, response_body, error,
                                  started_at, milliseconds, order_ids)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [batch, r.sequence, r.attempt, r.method, r.url, String(decoding: r.requestBody, as: UTF8.self),
                             r.status, String(decoding: r.responseBody, as: UTF8.self), r.error, r.startedAt, r.milliseconds,
                             JSONWriter.string(.array(r.orderIds.map { .string($0) }))])
    }

    /// Records outcomes and makes them each order's latest word.
    public func recordOutcomes(batch: String, target: String, _ outcomes: [OrderOutcome]) throws {
        guard !outcomes.isEmpty else { return }
        try record(batch: batch, target: target, [.outcomes(outcomes)])
    }

    static func insertOutcomes(_ db: Database, batch: String, target: String, _ outcomes: [OrderOutcome]) throws {
        let now = Self.now()
        let update = try db.cachedStatement(sql: """
            UPDATE batch_orders SET outcome = ?, remote_ids = ?, errors = ?, updated_at = ? WHERE batch_id = ? AND external_id = ?
            """)
        let latest = try db.cachedStatement(sql: """
            UPDATE orders SET last_outcome = ?, last_target = ?, last_batch = ? WHERE external_id = ?
            """)
        for o in outcomes {
            try update.execute(arguments: [o.outcome.rawValue, JSONWriter.string(.array(o.remoteIds.map { .string($0) })),
                                           JSONWriter.string(.array(o.errors.map(\.json))), now, batch, o.externalId])
            try latest.execute(arguments: [o.outcome.rawValue, target, batch, o.externalId])
        }
    }

    public func finishBatch(_ id: String) throws {
        try write { db in
            let json = JSONWriter.string(BatchSummary.countsJSON(try Self.counts(id, db)))
            try db.execute(sql: "UPDATE batches SET finished_at = ?, final_counts = ? WHERE id = ?", arguments: [Self.now(), json, id])
        }
    }

    static func counts(_ id: String, _ db: Database) throws -> [Outcome: Int] {
        var counts: [Outcome: Int] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT outcome, count(*) FROM batch_orders WHERE batch_id = ? GROUP BY outcome", arguments: [id]) {
            if let o = Outcome(rawValue: r[0]) { counts[o] = r[1] }
        }
        return counts
    }

    public func batches(limit: Int = 1000) throws -> [BatchSummary] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, target, dialect, created_at, finished_at, order_count, final_counts FROM batches ORDER BY created_at DESC, id DESC LIMIT ?", arguments: [limit])
            return try rows.map { try Self.summary($0, db) }
        }
    }

    public func batch(_ id: String) throws -> BatchReport? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, target, dialect, created_at, finished_at, order_count, final_counts FROM batches WHERE id = ?", arguments: [id]) else { return nil }
            let summary = try Self.summary(row, db)
            let outcomes = try Row.fetchAll(db, sql: """
                SELECT external_id, outcome, remote_ids, errors FROM batch_orders WHERE batch_id = ? ORDER BY position
                """, arguments: [id]).map(Self.outcome)
            return BatchReport(summary: summary, outcomes: outcomes)
        }
    }

    /// An order's outcome from `external_id, outcome, remote_ids, errors`.
    static func outcome(_ r: Row) -> OrderOutcome {
        let remote = (try? JSONParser.parse(r[2] as String))?.arrayValue?.compactMap(\.stringValue) ?? []
        let errors = ((try? JSONParser.parse(r[3] as String))?.arrayValue ?? []).map { e in
            OrderIssue(code: e.objectValue?["code"]?.stringValue ?? "", message: e.objectValue?["message"]?.stringValue ?? "",
                       field: e.objectValue?["field"]?.stringValue)
        }
        return OrderOutcome(externalId: r[0], outcome: Outcome(rawValue: r[1]) ?? .unknown, remoteIds: remote, errors: errors)
    }

    /// What the order's latest batch said about it, with its errors.
    public func latestOutcome(of externalId: String) throws -> LatestOutcome? {
        try read { db in
            guard let r = try Row.fetchOne(db, sql: """
                SELECT bo.external_id, bo.outcome, bo.remote_ids, bo.errors, b.id, b.target, bo.updated_at
                FROM orders o JOIN batch_orders bo ON bo.batch_id = o.last_batch AND bo.external_id = o.external_id
                JOIN batches b ON b.id = bo.batch_id WHERE o.external_id = ?
                """, arguments: [externalId]) else { return nil }
            return LatestOutcome(batch: r[4], target: r[5], at: r[6], outcome: Self.outcome(r))
        }
    }

    static func summary(_ row: Row, _ db: Database) throws -> BatchSummary {
        let id: String = row[0]
        var counts: [Outcome: Int]
        if let stored: String = row[6], let object = (try? JSONParser.parse(stored))?.objectValue {
            counts = [:]
            for m in object {
                if let o = Outcome(rawValue: m.key), case .number(let n) = m.value, let v = Int(n), v > 0 { counts[o] = v }
            }
        } else {
            counts = try Self.counts(id, db)
        }
        return BatchSummary(id: id, target: row[1], dialect: Dialect(rawValue: row[2]) ?? .cropster, createdAt: row[3],
                            finishedAt: row[4], orderCount: row[5], counts: counts)
    }

    /// Every request of a batch, in the order sent; `withBodies: false`
    /// leaves the bodies empty (a list of a large batch's requests need not
    /// read megabytes of them).
    public func requests(batch: String, withBodies: Bool = true) throws -> [RequestRecord] {
        let bodies = withBodies ? "request_body, response_body" : "'' AS request_body, '' AS response_body"
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT sequence, attempt, method, url, \(bodies), status, error, started_at, milliseconds, order_ids
                FROM requests WHERE batch_id = ? ORDER BY id
                """, arguments: [batch]).map(Self.request)
        }
    }

    public func request(batch: String, sequence: Int, attempt: Int) throws -> RequestRecord? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT sequence, attempt, method, url, request_body, response_body, status, error, started_at, milliseconds, order_ids
                FROM requests WHERE batch_id = ? AND sequence = ? AND attempt = ? ORDER BY id LIMIT 1
                """, arguments: [batch, sequence, attempt]).map(Self.request)
        }
    }

    static func request(_ r: Row) -> RequestRecord {
        RequestRecord(sequence: r[0], attempt: r[1], method: r[2], url: r[3], requestBody: Array((r[4] as String).utf8),
                      status: r[6], responseBody: Array((r[5] as String).utf8), error: r[7], startedAt: r[8],
                      milliseconds: r[9],
                      orderIds: (try? JSONParser.parse(r[10] as String))?.arrayValue?.compactMap(\.stringValue) ?? [])
    }
}
