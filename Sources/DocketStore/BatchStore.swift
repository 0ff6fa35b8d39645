import DocketCore
import Foundation
import GRDB
import GRDBSQLite

/// Batches, their requests and every order's outcome: the audit trail and
/// the journal that lets an interrupted batch be finished.
extension SQLiteOrderStore: DocketStore {
    public var location: String { path }
    public var isReadOnly: Bool { readOnly }

    public static func newBatchId() -> String { BatchRunner.newBatchId() }

    /// Writes the batch and its orders (all `pending`, with the version
    /// sent) before anything is sent, in one transaction: two processes
    /// claiming at once are serialised by SQLite's write lock, and the
    /// second sees the first's batch. An order is claimed for a target
    /// while it is in an unfinished batch to that target. The candidates go
    /// in as one JSON list and every check is one statement, so claiming a
    /// million orders costs SQLite's time, not a statement per order.
    public func createBatch(id: String, target: String, dialect: Dialect, orders: [(externalId: String, version: Int)],
                            owner: BatchOwner, recheck: OrderQuery?) throws -> BatchClaim {
        try write { db in
            var claim = BatchClaim()
            let stamp = Self.now()
            try db.execute(sql: """
                INSERT INTO batches (id, target, dialect, created_at, order_count, owner_host, owner_pid, heartbeat)
                VALUES (?, ?, ?, ?, 0, ?, ?, \(Self.clock))
                """, arguments: [id, target, dialect.rawValue, stamp, owner.host, owner.pid])
            let (filterSQL, args) = recheck.map(Self.filter) ?? ("1", StatementArguments())
            // A slice at a time, in the one transaction: what each statement
            // reads and builds stays small for a selection of any size.
            var position = 0
            for start in stride(from: 0, to: orders.count, by: BatchClaim.slice) {
                let slice = orders[start..<min(start + BatchClaim.slice, orders.count)]
                let ids = JSONWriter.string(.array(slice.map { .string($0.externalId) }))
                var busy: [String: String] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT bo.external_id, bo.batch_id FROM batches b JOIN batch_orders bo ON bo.batch_id = b.id
                    WHERE b.finished_at IS NULL AND b.target = ? AND b.id <> ? AND bo.external_id IN (SELECT value FROM json_each(?))
                    """, arguments: [target, id, ids]) {
                    busy[row[0]] = row[1]
                }
                // Still there, at the version read, and (for a selection by
                // filter) still selected by it. CROSS JOIN keeps the list
                // outside: SQLite cannot index json_each.
                var now: [String: Int] = [:]
                now.reserveCapacity(slice.count)
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT orders.external_id, orders.version FROM json_each(?) j CROSS JOIN orders ON orders.external_id = j.value
                    WHERE \(filterSQL)
                    """, arguments: [ids] + args)
                while let row = try rows.next() { now[row[0]] = row[1] }
                var claimed: [(externalId: String, version: Int)] = []
                claimed.reserveCapacity(slice.count)
                for o in slice {
                    if let other = busy[o.externalId] { claim.busy[o.externalId] = other }
                    else if now[o.externalId] == o.version { claimed.append(o) } else { claim.changed.append(o.externalId) }
                }
                guard !claimed.isEmpty else { continue }
                claim.claimed += claimed.map(\.externalId)
                // Each element a small [id, version] pair: json_extract on one
                // element, never on the whole list per row.
                let pairs = JSONWriter.string(.array(claimed.map { .array([.string($0.externalId), .number(String($0.version))]) }))
                try db.execute(sql: """
                    INSERT OR IGNORE INTO batch_orders (batch_id, external_id, position, outcome, updated_at, version)
                        SELECT ?, json_extract(value, '$[0]'), ? + key, 'pending', ?, json_extract(value, '$[1]') FROM json_each(?)
                    """, arguments: [id, position, stamp, pairs])
                position += claimed.count
            }
            if claim.claimed.isEmpty {
                try db.execute(sql: "DELETE FROM batches WHERE id = ?", arguments: [id])
            } else {
                try db.execute(sql: "UPDATE batches SET order_count = ? WHERE id = ?", arguments: [claim.claimed.count, id])
            }
            return claim
        }
    }

    /// A batch of these orders, as they are now, owned by this process:
    /// for tools and tests that journal a batch of their own.
    @discardableResult
    public func createBatch(id: String, target: String, dialect: Dialect, externalIds: [String]) throws -> BatchClaim {
        let versions = try read { db in
            try externalIds.map { ($0, try Int.fetchOne(db, sql: "SELECT version FROM orders WHERE external_id = ?", arguments: [$0]) ?? 0) }
        }
        return try createBatch(id: id, target: target, dialect: dialect, orders: versions, owner: .current(), recheck: nil)
    }

    public func heartbeat(batch: String, owner: BatchOwner) throws {
        try write { db in
            try db.execute(sql: "UPDATE batches SET heartbeat = \(Self.clock) WHERE id = ? AND owner_host = ? AND owner_pid = ? AND finished_at IS NULL",
                           arguments: [batch, owner.host, owner.pid])
        }
    }

    /// This machine's clock as SQLite reads it, in seconds since 1970: a
    /// heartbeat is stamped by the store, as on PostgreSQL, whatever time
    /// the owner passed.
    static let clock = "((julianday('now') - 2440587.5) * 86400.0)"

    public func owner(of batch: String) throws -> BatchOwner? {
        try read { db in try Self.owner(batch, db) }
    }

    static func owner(_ batch: String, _ db: Database) throws -> BatchOwner? {
        guard let row = try Row.fetchOne(db, sql: "SELECT owner_host, owner_pid, heartbeat FROM batches WHERE id = ? AND finished_at IS NULL",
                                         arguments: [batch]),
              let host: String = row[0], let pid: Int32 = row[1], let beat: Double = row[2] else { return nil }
        return BatchOwner(host: host, pid: pid, heartbeat: beat)
    }

    public func takeOver(batch: String, owner: BatchOwner, force: Bool) throws -> BatchOwner? {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT finished_at FROM batches WHERE id = ?", arguments: [batch]) else {
                throw DocketError("there is no batch \(batch) in the store", file: path)
            }
            if let finished: String = row[0] {
                throw DocketError("batch \(batch) finished at \(finished); there is nothing to resume")
            }
            let before = try Self.owner(batch, db)
            if let before, before.isAlive, !force {
                throw DocketError("""
                    batch \(batch) is still being sent by \(before.description); \
                    resuming it now could send its orders twice. Wait for it to finish, or stop that process \
                    (resume --force takes it over anyway).
                    """)
            }
            try db.execute(sql: "UPDATE batches SET owner_host = ?, owner_pid = ?, heartbeat = \(Self.clock) WHERE id = ?",
                           arguments: [owner.host, owner.pid, batch])
            return before
        }
    }

    /// One answer and the outcomes it settled, in one transaction: after a
    /// crash, an order is either settled with its answer kept, or pending.
    public func recordResponse(batch: String, target: String, _ r: RequestRecord, settled: [OrderOutcome]) throws {
        try record(batch: batch, target: target, [.response(r, settled: settled)])
    }

    public func record(batch: String, target: String, _ entries: [JournalEntry], owner: BatchOwner?) throws {
        try write { db in
            if let lost = owner?.lost(batch, to: try Self.owner(batch, db)) { throw lost }
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

    public func pendingOrders(batch: String) throws -> [(externalId: String, attempts: Int, version: Int?)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT external_id, attempts, version FROM batch_orders WHERE batch_id = ? AND outcome = 'pending' ORDER BY position
                """, arguments: [batch]).map { ($0[0], $0[1], $0[2]) }
        }
    }

    /// Batches that never finished, newest first, each with who is (or
    /// was) sending it.
    public func unfinishedBatches() throws -> [(summary: BatchSummary, owner: BatchOwner?)] {
        try batches().filter { $0.finishedAt == nil }.map { ($0, try owner(of: $0.id)) }
    }

    static func insertRequest(_ db: Database, batch: String, _ r: RequestRecord) throws {
        try db.execute(sql: """
            INSERT INTO requests (batch_id, sequence, attempt, method, url, status, error, started_at, milliseconds, order_ids)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [batch, r.sequence, r.attempt, r.method, r.url, r.status, r.error, r.startedAt, r.milliseconds,
                             JSONWriter.string(.array(r.orderIds.map { .string($0) }))])
        try db.execute(sql: """
            INSERT INTO request_bodies (request_id, month, request, response)
            SELECT ?, substr(created_at, 1, 7), ?, ? FROM batches WHERE id = ?
            """, arguments: [db.lastInsertedRowID, Data(StoredBody.encode(r.requestBody)), Data(StoredBody.encode(r.responseBody)), batch])
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
        // Bound through SQLite's own API, as the import does: GRDB's boxed
        // arguments cost more than the updates at a million outcomes.
        for o in outcomes {
            let remote = o.remoteIds.isEmpty ? "[]" : JSONWriter.string(.array(o.remoteIds.map { .string($0) }))
            let errors = o.errors.isEmpty ? "[]" : JSONWriter.string(.array(o.errors.map(\.json)))
            try step(update, db, [o.outcome.rawValue, remote, errors, now, batch, o.externalId])
            try step(latest, db, [o.outcome.rawValue, target, batch, o.externalId])
        }
        // A finished batch's late outcomes (a lookup that settled them)
        // change each target's word at once; a running batch's do so when it
        // finishes, in one statement, off the path of its requests.
        if try Bool.fetchOne(db, sql: "SELECT finished_at IS NOT NULL FROM batches WHERE id = ?", arguments: [batch]) == true {
            try updateTargets(db, batch: batch, only: outcomes.map(\.externalId))
        }
    }

    /// Makes the batch's settled outcomes (all, or `only` these orders) each
    /// order's latest word from the batch's target, with the version the
    /// batch sent (older batches: the order's own, the best that is known).
    static func updateTargets(_ db: Database, batch: String, only ids: [String]? = nil) throws {
        // CASE, not AND: SQLite evaluates both sides of an AND, and reading
        // every accepted order's errors was a third of finishing a batch.
        let held = "CASE WHEN bo.outcome = 'unknown' THEN EXISTS (SELECT 1 FROM json_each(bo.errors) e WHERE json_extract(e.value, '$.code') = '\(OrderOutcome.mayExistCode)') ELSE 0 END"
        let version = "coalesce(bo.version, (SELECT version FROM orders WHERE external_id = bo.external_id), 0)"
        let columns = "INSERT OR REPLACE INTO order_targets (external_id, target, outcome, batch_id, version, hold, updated_at)"
        if let ids {
            // CROSS JOIN keeps the short list outside: SQLite cannot index
            // json_each, and would otherwise scan it per row.
            try db.execute(sql: """
                \(columns)
                SELECT bo.external_id, b.target, bo.outcome, bo.batch_id, \(version), \(held), bo.updated_at
                FROM json_each(?) j CROSS JOIN batch_orders bo ON bo.batch_id = ? AND bo.external_id = j.value
                JOIN batches b ON b.id = bo.batch_id WHERE bo.outcome != 'pending'
                """, arguments: [JSONWriter.string(.array(ids.map { .string($0) })), batch])
        } else {
            try db.execute(sql: """
                \(columns)
                SELECT bo.external_id, b.target, bo.outcome, bo.batch_id, \(version), \(held), bo.updated_at
                FROM batch_orders bo JOIN batches b ON b.id = bo.batch_id WHERE bo.batch_id = ? AND bo.outcome != 'pending'
                """, arguments: [batch])
        }
    }

    /// Runs a prepared statement with text arguments, bound directly.
    static func step(_ statement: Statement, _ db: Database, _ texts: [String]) throws {
        let stmt = statement.sqliteStatement
        for (i, t) in texts.enumerated() { bindText(stmt, Int32(i + 1), t) }
        let code = sqlite3_step(stmt)
        sqlite3_reset(stmt)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }

    public func finishBatch(_ id: String, owner: BatchOwner?) throws {
        try write { db in
            if let lost = owner?.lost(id, to: try Self.owner(id, db)) { throw lost }
            let json = JSONWriter.string(BatchSummary.countsJSON(try Self.counts(id, db)))
            try db.execute(sql: "UPDATE batches SET finished_at = ?, final_counts = ? WHERE id = ?", arguments: [Self.now(), json, id])
            try Self.updateTargets(db, batch: id)
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
            let rows = try Row.fetchAll(db, sql: "SELECT \(Self.batchColumns) FROM batches ORDER BY created_at DESC, id DESC LIMIT ?", arguments: [limit])
            return try rows.map { try Self.summary($0, db) }
        }
    }

    public func batch(_ id: String, failedOnly: Bool, limit: Int?) throws -> BatchReport? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.batchColumns) FROM batches WHERE id = ?", arguments: [id]) else { return nil }
            let summary = try Self.summary(row, db)
            let outcomes = try Row.fetchAll(db, sql: """
                SELECT external_id, outcome, remote_ids, errors FROM batch_orders WHERE batch_id = ?
                \(failedOnly ? "AND outcome NOT IN ('accepted', 'exists')" : "") ORDER BY position \(limit.map { "LIMIT \($0)" } ?? "")
                """, arguments: [id]).map(Self.outcome)
            return BatchReport(summary: summary, outcomes: outcomes)
        }
    }

    /// An order's outcome from `external_id, outcome, remote_ids, errors`.
    static func outcome(_ r: Row) -> OrderOutcome {
        let remote = (try? JSONParser.parse(r["remote_ids"] as String))?.arrayValue?.compactMap(\.stringValue) ?? []
        let errors = ((try? JSONParser.parse(r["errors"] as String))?.arrayValue ?? []).map { e in
            OrderIssue(code: e.objectValue?["code"]?.stringValue ?? "", message: e.objectValue?["message"]?.stringValue ?? "",
                       field: e.objectValue?["field"]?.stringValue)
        }
        return OrderOutcome(externalId: r["external_id"], outcome: Outcome(rawValue: r["outcome"]) ?? .unknown, remoteIds: remote, errors: errors)
    }

    /// What the order's latest batch said about it, with its errors.
    public func latestOutcome(of externalId: String) throws -> LatestOutcome? {
        try read { db in
            guard let r = try Row.fetchOne(db, sql: """
                SELECT bo.external_id, bo.outcome, bo.remote_ids, bo.errors, b.id AS batch_id, b.target, bo.updated_at
                FROM orders o JOIN batch_orders bo ON bo.batch_id = o.last_batch AND bo.external_id = o.external_id
                JOIN batches b ON b.id = bo.batch_id WHERE o.external_id = ?
                """, arguments: [externalId]) else { return nil }
            return LatestOutcome(batch: r["batch_id"], target: r["target"], at: r["updated_at"], outcome: Self.outcome(r))
        }
    }

    public func failures(_ query: OrderQuery, limit: Int) throws -> [LatestOutcome] {
        var unfiltered = query
        unfiltered.sort = .externalId
        unfiltered.descending = false
        var sql = """
            SELECT bo.external_id, bo.outcome, bo.remote_ids, bo.errors, ot.batch_id, ot.target, bo.updated_at
            FROM order_targets ot JOIN batch_orders bo ON bo.batch_id = ot.batch_id AND bo.external_id = ot.external_id
            WHERE ot.outcome IN (\(Self.placeholders(RefusalGrouping.failedNames.count)))
            """
        var args = StatementArguments(RefusalGrouping.failedNames)
        if let t = query.target {
            sql += " AND ot.target = ?"
            args += [t]
        }
        // The view's other filters choose the orders; with none, every
        // failure counts and the orders table is not read at all.
        var others = query
        others.target = nil
        others.outcomes = []
        if others.isFiltered || !query.outcomes.isEmpty {
            let (whereSQL, filterArgs) = Self.filter(query)
            sql += " AND ot.external_id IN (SELECT external_id FROM orders WHERE \(whereSQL))"
            args += filterArgs
        }
        sql += " ORDER BY bo.updated_at DESC LIMIT \(max(0, limit))"
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: args).map { r in
                LatestOutcome(batch: r["batch_id"], target: r["target"], at: r["updated_at"], outcome: Self.outcome(r))
            }
        }
    }

    public func batchPosition(_ id: String) throws -> BatchPosition {
        try read { db in try Self.position(id, db, from: BatchPosition()) }
    }

    static func position(_ id: String, _ db: Database, from: BatchPosition) throws -> BatchPosition {
        let at = try String.fetchOne(db, sql: "SELECT max(updated_at) FROM batch_orders WHERE batch_id = ?", arguments: [id])
        let request = try Int64.fetchOne(db, sql: "SELECT max(id) FROM requests WHERE batch_id = ?", arguments: [id])
        return BatchPosition(outcomesAt: at ?? from.outcomesAt, requestId: request ?? from.requestId)
    }

    public func batchChanges(_ id: String, since position: BatchPosition) throws -> BatchChanges? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.batchColumns) FROM batches WHERE id = ?", arguments: [id]) else { return nil }
            let summary = try Self.summary(row, db, recount: false)
            let next = try Self.position(id, db, from: position)
            let outcomes = try Row.fetchAll(db, sql: """
                SELECT external_id, outcome, remote_ids, errors FROM batch_orders WHERE batch_id = ? AND updated_at >= ?
                """, arguments: [id, position.outcomesAt]).map(Self.outcome)
            let requests = try Row.fetchAll(db, sql: """
                SELECT \(RequestLineColumns.select(bodies: false)) WHERE r.batch_id = ? AND r.id > ? ORDER BY r.id
                """, arguments: [id, position.requestId]).map(RequestColumns.record)
            return BatchChanges(summary: summary, outcomes: outcomes, requests: requests, position: next)
        }
    }

    /// What `summary` reads, by name.
    static let batchColumns = "id, target, dialect, created_at, finished_at, order_count, final_counts"

    /// `recount: false` leaves a running batch's counts empty rather than
    /// count a million outcomes.
    static func summary(_ row: Row, _ db: Database, recount: Bool = true) throws -> BatchSummary {
        let id: String = row["id"]
        var counts: [Outcome: Int] = [:]
        if let stored: String = row["final_counts"], let object = (try? JSONParser.parse(stored))?.objectValue {
            for m in object {
                if let o = Outcome(rawValue: m.key), case .number(let n) = m.value, let v = Int(n), v > 0 { counts[o] = v }
            }
        } else if recount {
            counts = try Self.counts(id, db)
        }
        return BatchSummary(id: id, target: row["target"], dialect: Dialect(rawValue: row["dialect"]) ?? .cropster, createdAt: row["created_at"],
                            finishedAt: row["finished_at"], orderCount: row["order_count"], counts: counts)
    }

    /// Every request of a batch, in the order sent; `withBodies: false`
    /// leaves the bodies empty (a list of a large batch's requests need not
    /// read megabytes of them).
    public func requests(batch: String, withBodies: Bool = true) throws -> [RequestRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(RequestLineColumns.select(bodies: withBodies)) WHERE r.batch_id = ? ORDER BY r.id
                """, arguments: [batch]).map(RequestColumns.record)
        }
    }

    public func request(batch: String, sequence: Int, attempt: Int) throws -> RequestRecord? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT \(RequestLineColumns.select(bodies: true)) WHERE r.batch_id = ? AND r.sequence = ? AND r.attempt = ? ORDER BY r.id LIMIT 1
                """, arguments: [batch, sequence, attempt]).map(RequestColumns.record)
        }
    }
}

/// A request line and its bodies as one row (`RequestLineColumns`), by name.
enum RequestColumns {
    static func record(_ r: Row) -> RequestRecord {
        let pruned: String? = r["pruned"]
        let request = (r["request"] as Data?).map { StoredBody.decode(Array($0)) } ?? []
        let response = (r["response"] as Data?).map { StoredBody.decode(Array($0)) } ?? []
        return RequestRecord(sequence: r["sequence"], attempt: r["attempt"], method: r["method"], url: r["url"],
                             requestBody: pruned.map { Array(PruneReport.marker($0).utf8) } ?? request,
                             status: r["status"], responseBody: response, error: r["error"], startedAt: r["started_at"],
                             milliseconds: r["milliseconds"],
                             orderIds: (try? JSONParser.parse(r["order_ids"] as String))?.arrayValue?.compactMap(\.stringValue) ?? [])
    }
}
