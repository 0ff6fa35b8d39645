import DocketCore
import Foundation
import PostgresNIO

/// Batches, their requests and every order's outcome on PostgreSQL: the
/// journal of the SQLite store, with claims made under row locks.
extension PostgresOrderStore: DocketStore {
    public var location: String { link.url.description }
    public var isReadOnly: Bool { readOnly }

    /// Claims in one transaction. The orders' rows are locked (`FOR
    /// UPDATE`) in id order before the busy check, so two processes
    /// claiming the same orders at once are serialised by PostgreSQL, and
    /// the second sees the first's batch.
    public func createBatch(id: String, target: String, dialect: Dialect, orders: [(externalId: String, version: Int)],
                            owner: BatchOwner, recheck: OrderQuery?) throws -> BatchClaim {
        try link.transaction {
            var claim = BatchClaim()
            let stamp = Self.now()
            var b = SQLArgs()
            try link.query("""
                INSERT INTO batches (id, target, dialect, created_at, order_count, owner_host, owner_pid, heartbeat)
                VALUES (\(b.add(id)), \(b.add(target)), \(b.add(dialect.rawValue)), \(b.add(stamp)), 0,
                        \(b.add(owner.host)), \(b.add(Int(owner.pid))), \(Self.clock))
                """, b)
            // Lock the candidates a slice at a time, in byte order across
            // all slices, so that two processes claiming overlapping orders
            // take their locks in the same order and do not deadlock.
            let byBytes = orders.map(\.externalId).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for start in stride(from: 0, to: byBytes.count, by: BatchClaim.slice) {
                var args = SQLArgs()
                let ids = args.add(Array(byBytes[start..<min(start + BatchClaim.slice, byBytes.count)]))
                try link.query("""
                    SELECT count(*) FROM (SELECT 1 FROM orders WHERE external_id = ANY(\(ids)) ORDER BY external_id COLLATE "C" FOR UPDATE) locked
                    """, args)
            }
            // Then ask who holds them and whether they are as read, and
            // write the claim, a slice at a time in the order given.
            var position = 0
            for start in stride(from: 0, to: orders.count, by: BatchClaim.slice) {
                let slice = orders[start..<min(start + BatchClaim.slice, orders.count)]
                let names = slice.map(\.externalId)
                var busy: [String: String] = [:]
                var busyArgs = SQLArgs()
                let busyIds = busyArgs.add(names)
                for row in try link.query("""
                    SELECT bo.external_id, bo.batch_id FROM batches b JOIN batch_orders bo ON bo.batch_id = b.id
                    WHERE b.finished_at IS NULL AND b.target = \(busyArgs.add(target)) AND b.id <> \(busyArgs.add(id))
                    AND bo.external_id = ANY(\(busyIds))
                    """, busyArgs) {
                    busy[try row.text(0)] = try row.text(1)
                }
                var nowArgs = SQLArgs()
                let nowIds = nowArgs.add(names)
                let filter = recheck.map { PostgresFilter.whereClause($0, &nowArgs) } ?? "true"
                var now: [String: Int] = [:]
                for row in try link.query("SELECT external_id, version FROM orders WHERE external_id = ANY(\(nowIds)) AND \(filter)", nowArgs) {
                    now[try row.text(0)] = try row.int(1)
                }
                var claimed: [(externalId: String, version: Int)] = []
                for o in slice {
                    if let other = busy[o.externalId] { claim.busy[o.externalId] = other }
                    else if now[o.externalId] == o.version { claimed.append(o) } else { claim.changed.append(o.externalId) }
                }
                guard !claimed.isEmpty else { continue }
                claim.claimed += claimed.map(\.externalId)
                var o = SQLArgs()
                try link.query("""
                    INSERT INTO batch_orders (batch_id, external_id, position, outcome, updated_at, version)
                    SELECT \(o.add(id)), e, \(o.add(position)) + (p - 1)::int, 'pending', \(o.add(stamp)), v::int
                    FROM unnest(\(o.add(claimed.map(\.externalId)))::text[], \(o.add(claimed.map { String($0.version) }))::text[]) WITH ORDINALITY AS u(e, v, p)
                    ON CONFLICT DO NOTHING
                    """, o)
                position += claimed.count
            }
            var done = SQLArgs()
            if claim.claimed.isEmpty {
                try link.query("DELETE FROM batches WHERE id = \(done.add(id))", done)
            } else {
                try link.query("UPDATE batches SET order_count = \(done.add(claim.claimed.count)) WHERE id = \(done.add(id))", done)
            }
            return claim
        }
    }

    /// A batch of these orders, as they are now, owned by this process:
    /// for tools and tests that journal a batch of their own.
    @discardableResult
    public func createBatch(id: String, target: String, dialect: Dialect, externalIds: [String]) throws -> BatchClaim {
        var args = SQLArgs()
        var versions: [String: Int] = [:]
        for r in try link.query("SELECT external_id, version FROM orders WHERE external_id = ANY(\(args.add(externalIds)))", args) {
            versions[try r.text(0)] = try r.int(1)
        }
        return try createBatch(id: id, target: target, dialect: dialect, orders: externalIds.map { ($0, versions[$0] ?? 0) },
                               owner: .current(), recheck: nil)
    }

    public func heartbeat(batch: String, owner: BatchOwner) throws {
        var a = SQLArgs()
        try link.query("""
            UPDATE batches SET heartbeat = \(Self.clock) WHERE id = \(a.add(batch)) AND owner_host = \(a.add(owner.host))
            AND owner_pid = \(a.add(Int(owner.pid))) AND finished_at IS NULL
            """, a)
    }

    /// The server's clock, in seconds since 1970. Heartbeats are stamped
    /// and aged by it: the machines of a team do not share a clock, and one
    /// a minute behind would otherwise look dead to the others while it
    /// still sends (and `resume` would send its orders a second time).
    static let clock = "extract(epoch from clock_timestamp())::double precision"

    /// The heartbeat comes back on this machine's clock: now, less its age
    /// by the server's.
    public func owner(of batch: String) throws -> BatchOwner? {
        var a = SQLArgs()
        guard let r = try link.query("""
                SELECT owner_host, owner_pid, \(Self.clock) - heartbeat FROM batches WHERE id = \(a.add(batch)) AND finished_at IS NULL
                """, a).first,
              let host = try r.optionalText(0), let pid = try r.optionalInt(1),
              let age = try r[2].decode(Double?.self, context: .default) else { return nil }
        return BatchOwner(host: host, pid: Int32(pid), heartbeat: Date().timeIntervalSince1970 - age)
    }

    public func takeOver(batch: String, owner: BatchOwner, force: Bool) throws -> BatchOwner? {
        try link.transaction {
            var a = SQLArgs()
            guard let row = try link.query("SELECT finished_at FROM batches WHERE id = \(a.add(batch)) FOR UPDATE", a).first else {
                throw DocketError("there is no batch \(batch) in the store")
            }
            if let finished = try row.optionalText(0) {
                throw DocketError("batch \(batch) finished at \(finished); there is nothing to resume")
            }
            let before = try self.owner(of: batch)
            if let before, before.isAlive, !force {
                throw DocketError("""
                    batch \(batch) is still being sent by \(before.description); \
                    resuming it now could send its orders twice. Wait for it to finish, or stop that process \
                    (resume --force takes it over anyway).
                    """)
            }
            var u = SQLArgs()
            try link.query("UPDATE batches SET owner_host = \(u.add(owner.host)), owner_pid = \(u.add(Int(owner.pid))), heartbeat = \(Self.clock) WHERE id = \(u.add(batch))", u)
            return before
        }
    }

    public func recordResponse(batch: String, target: String, _ r: RequestRecord, settled: [OrderOutcome]) throws {
        try record(batch: batch, target: target, [.response(r, settled: settled)])
    }

    public func recordOutcomes(batch: String, target: String, _ outcomes: [OrderOutcome]) throws {
        guard !outcomes.isEmpty else { return }
        try record(batch: batch, target: target, [.outcomes(outcomes)])
    }

    /// Several entries in one transaction: an answer and the outcomes it
    /// settled are kept together or not at all.
    public func record(batch: String, target: String, _ entries: [JournalEntry], owner: BatchOwner?) throws {
        try link.transaction {
            if let lost = owner?.lost(batch, to: try self.owner(of: batch)) { throw lost }
            for entry in entries {
                switch entry {
                case .sending(let ids):
                    var a = SQLArgs()
                    try link.query("UPDATE batch_orders SET attempts = attempts + 1 WHERE batch_id = \(a.add(batch)) AND external_id = ANY(\(a.add(ids)))", a)
                case .response(let r, let settled):
                    try insertRequest(batch: batch, r)
                    try insertOutcomes(batch: batch, target: target, settled)
                case .outcomes(let settled):
                    try insertOutcomes(batch: batch, target: target, settled)
                }
            }
        }
    }

    func insertRequest(batch: String, _ r: RequestRecord) throws {
        var a = SQLArgs()
        let status = r.status.map { a.add($0) } ?? "NULL"
        let b = a.add(batch)
        try link.query("""
            WITH line AS (
                INSERT INTO requests (batch_id, sequence, attempt, method, url, status, error, started_at, milliseconds, order_ids)
                VALUES (\(b), \(a.add(r.sequence)), \(a.add(r.attempt)), \(a.add(r.method)), \(a.add(r.url)), \(status),
                        \(a.add(r.error)), \(a.add(r.startedAt)), \(a.add(r.milliseconds)), \(a.add(JSONWriter.string(.array(r.orderIds.map { .string($0) })))))
                RETURNING id)
            INSERT INTO request_bodies (request_id, month, request, response)
            SELECT line.id, substr(b.created_at, 1, 7), \(a.add(bytes: StoredBody.encode(r.requestBody))), \(a.add(bytes: StoredBody.encode(r.responseBody)))
            FROM line, batches b WHERE b.id = \(b)
            """, a)
    }

    func insertOutcomes(batch: String, target: String, _ outcomes: [OrderOutcome]) throws {
        guard !outcomes.isEmpty else { return }
        let now = Self.now()
        var a = SQLArgs()
        let ids = a.add(outcomes.map(\.externalId))
        let results = a.add(outcomes.map(\.outcome.rawValue))
        let remote = a.add(outcomes.map { $0.remoteIds.isEmpty ? "[]" : JSONWriter.string(.array($0.remoteIds.map { .string($0) })) })
        let errors = a.add(outcomes.map { $0.errors.isEmpty ? "[]" : JSONWriter.string(.array($0.errors.map(\.json))) })
        let b = a.add(batch), stamp = a.add(now)
        try link.query("""
            UPDATE batch_orders bo SET outcome = u.o, remote_ids = u.r, errors = u.e, updated_at = \(stamp)
            FROM unnest(\(ids)::text[], \(results)::text[], \(remote)::text[], \(errors)::text[]) AS u(i, o, r, e)
            WHERE bo.batch_id = \(b) AND bo.external_id = u.i
            """, a)
        // Rows are locked in id order (the column collates as "C", by
        // bytes), as a claim locks them: two processes taking the same
        // orders in different orders would deadlock.
        var k = SQLArgs()
        try link.query("SELECT 1 FROM orders WHERE external_id = ANY(\(k.add(outcomes.map(\.externalId)))) ORDER BY external_id FOR UPDATE", k)
        var l = SQLArgs()
        try link.query("""
            UPDATE orders SET last_outcome = u.o, last_target = \(l.add(target)), last_batch = \(l.add(batch))
            FROM unnest(\(l.add(outcomes.map(\.externalId)))::text[], \(l.add(outcomes.map(\.outcome.rawValue)))::text[]) AS u(i, o)
            WHERE orders.external_id = u.i
            """, l)
        var f = SQLArgs()
        if try link.query("SELECT finished_at IS NOT NULL FROM batches WHERE id = \(f.add(batch))", f).first?.bool(0) == true {
            try updateTargets(batch: batch, only: outcomes.map(\.externalId))
        }
    }

    /// Each settled outcome of the batch (or of `only` these orders) as the
    /// order's latest word from the batch's target.
    func updateTargets(batch: String, only ids: [String]? = nil) throws {
        var a = SQLArgs()
        let held = "(bo.outcome = 'unknown' AND EXISTS (SELECT 1 FROM json_array_elements(bo.errors::json) e WHERE e->>'code' = \(a.add(OrderOutcome.mayExistCode))))"
        let version = "coalesce(bo.version, (SELECT version FROM orders WHERE external_id = bo.external_id), 0)"
        let only = ids.map { " AND bo.external_id = ANY(\(a.add($0)))" } ?? ""
        try link.query("""
            INSERT INTO order_targets (external_id, target, outcome, batch_id, version, hold, updated_at)
            SELECT bo.external_id, b.target, bo.outcome, bo.batch_id, \(version), \(held), bo.updated_at
            FROM batch_orders bo JOIN batches b ON b.id = bo.batch_id
            WHERE bo.batch_id = \(a.add(batch)) AND bo.outcome != 'pending'\(only)
            ON CONFLICT (external_id, target) DO UPDATE SET outcome = EXCLUDED.outcome, batch_id = EXCLUDED.batch_id,
                version = EXCLUDED.version, hold = EXCLUDED.hold, updated_at = EXCLUDED.updated_at
            """, a)
    }

    public func finishBatch(_ id: String, owner: BatchOwner?) throws {
        try link.transaction {
            if let lost = owner?.lost(id, to: try self.owner(of: id)) { throw lost }
            let json = JSONWriter.string(BatchSummary.countsJSON(try counts(id)))
            var a = SQLArgs()
            try link.query("UPDATE batches SET finished_at = \(a.add(Self.now())), final_counts = \(a.add(json)) WHERE id = \(a.add(id))", a)
            try updateTargets(batch: id)
        }
    }

    func counts(_ id: String) throws -> [Outcome: Int] {
        var counts: [Outcome: Int] = [:]
        var a = SQLArgs()
        for r in try link.query("SELECT outcome, count(*)::int FROM batch_orders WHERE batch_id = \(a.add(id)) GROUP BY outcome", a) {
            if let o = Outcome(rawValue: try r.text(0)) { counts[o] = try r.int(1) }
        }
        return counts
    }

    public func pendingOrders(batch: String) throws -> [(externalId: String, attempts: Int, version: Int?)] {
        var a = SQLArgs()
        return try link.query("""
            SELECT external_id, attempts, version FROM batch_orders WHERE batch_id = \(a.add(batch)) AND outcome = 'pending' ORDER BY position
            """, a).map { (try $0.text(0), try $0.int(1), try $0.optionalInt(2)) }
    }

    public func unfinishedBatches() throws -> [(summary: BatchSummary, owner: BatchOwner?)] {
        try batches(limit: 100_000).filter { $0.finishedAt == nil }.map { ($0, try owner(of: $0.id)) }
    }

    // MARK: History

    static let batchColumns = "id, target, dialect, created_at, finished_at, order_count, final_counts"

    func summary(_ r: PostgresRandomAccessRow, recount: Bool = true) throws -> BatchSummary {
        let id = try r.text(0)
        var counts: [Outcome: Int] = [:]
        if let stored = try r.optionalText(6), let object = (try? JSONParser.parse(stored))?.objectValue {
            for m in object {
                if let o = Outcome(rawValue: m.key), case .number(let n) = m.value, let v = Int(n), v > 0 { counts[o] = v }
            }
        } else if recount {
            counts = try self.counts(id)
        }
        return BatchSummary(id: id, target: try r.text(1), dialect: Dialect(rawValue: try r.text(2)) ?? .cropster, createdAt: try r.text(3),
                            finishedAt: try r.optionalText(4), orderCount: try r.int(5), counts: counts)
    }

    public func batches(limit: Int = 1000) throws -> [BatchSummary] {
        try link.query("SELECT \(Self.batchColumns) FROM batches ORDER BY created_at DESC, id DESC LIMIT \(max(0, limit))").map { try summary($0) }
    }

    static func outcome(_ r: PostgresRandomAccessRow) throws -> OrderOutcome {
        let remote = (try? JSONParser.parse(try r.text(2)))?.arrayValue?.compactMap(\.stringValue) ?? []
        let errors = ((try? JSONParser.parse(try r.text(3)))?.arrayValue ?? []).map { e in
            OrderIssue(code: e.objectValue?["code"]?.stringValue ?? "", message: e.objectValue?["message"]?.stringValue ?? "",
                       field: e.objectValue?["field"]?.stringValue)
        }
        return OrderOutcome(externalId: try r.text(0), outcome: Outcome(rawValue: try r.text(1)) ?? .unknown, remoteIds: remote, errors: errors)
    }

    public func batch(_ id: String, failedOnly: Bool, limit: Int?) throws -> BatchReport? {
        var a = SQLArgs()
        let batch = a.add(id)
        guard let row = try link.query("SELECT \(Self.batchColumns) FROM batches WHERE id = \(batch)", a).first else { return nil }
        let outcomes = try link.query("""
            SELECT external_id, outcome, remote_ids, errors FROM batch_orders WHERE batch_id = \(batch)
            \(failedOnly ? "AND outcome NOT IN ('accepted', 'exists')" : "") ORDER BY position \(limit.map { "LIMIT \($0)" } ?? "")
            """, a)
            .map(Self.outcome)
        return BatchReport(summary: try summary(row), outcomes: outcomes)
    }

    public func requests(batch: String, withBodies: Bool = true) throws -> [RequestRecord] {
        var a = SQLArgs()
        return try link.query("""
            SELECT \(RequestLineColumns.select(bodies: withBodies)) WHERE r.batch_id = \(a.add(batch)) ORDER BY r.id
            """, a).map(PostgresRequestColumns.record)
    }

    public func request(batch: String, sequence: Int, attempt: Int) throws -> RequestRecord? {
        var a = SQLArgs()
        return try link.query("""
            SELECT \(RequestLineColumns.select(bodies: true))
            WHERE r.batch_id = \(a.add(batch)) AND r.sequence = \(a.add(sequence)) AND r.attempt = \(a.add(attempt)) ORDER BY r.id LIMIT 1
            """, a).first.map(PostgresRequestColumns.record)
    }

    public func latestOutcome(of externalId: String) throws -> LatestOutcome? {
        var a = SQLArgs()
        guard let r = try link.query("""
            SELECT bo.external_id, bo.outcome, bo.remote_ids, bo.errors, b.id, b.target, bo.updated_at
            FROM orders o JOIN batch_orders bo ON bo.batch_id = o.last_batch AND bo.external_id = o.external_id
            JOIN batches b ON b.id = bo.batch_id WHERE o.external_id = \(a.add(externalId))
            """, a).first else { return nil }
        return LatestOutcome(batch: try r.text(4), target: try r.text(5), at: try r.text(6), outcome: try Self.outcome(r))
    }

    public func failures(_ query: OrderQuery, limit: Int) throws -> [LatestOutcome] {
        var a = SQLArgs()
        var sql = """
            SELECT bo.external_id, bo.outcome, bo.remote_ids, bo.errors, ot.batch_id, ot.target, bo.updated_at
            FROM order_targets ot JOIN batch_orders bo ON bo.batch_id = ot.batch_id AND bo.external_id = ot.external_id
            WHERE ot.outcome = ANY(\(a.add(RefusalGrouping.failedNames)))
            """
        if let t = query.target { sql += " AND ot.target = \(a.add(t))" }
        var others = query
        others.target = nil
        others.outcomes = []
        if others.isFiltered || !query.outcomes.isEmpty {
            sql += " AND ot.external_id IN (SELECT external_id FROM orders WHERE \(PostgresFilter.whereClause(query, &a)))"
        }
        sql += " ORDER BY bo.updated_at DESC LIMIT \(max(0, limit))"
        return try link.query(sql, a).map { r in
            LatestOutcome(batch: try r.text(4), target: try r.text(5), at: try r.text(6), outcome: try Self.outcome(r))
        }
    }

    public func batchPosition(_ id: String) throws -> BatchPosition {
        try position(id, from: BatchPosition())
    }

    func position(_ id: String, from: BatchPosition) throws -> BatchPosition {
        var a = SQLArgs()
        let b = a.add(id)
        let at = try link.query("SELECT max(updated_at) FROM batch_orders WHERE batch_id = \(b)", a).first?.optionalText(0)
        let request = try link.query("SELECT max(id) FROM requests WHERE batch_id = \(b)", a).first?[0].decode(Int64?.self, context: .default)
        return BatchPosition(outcomesAt: at ?? from.outcomesAt, requestId: request ?? from.requestId)
    }

    public func batchChanges(_ id: String, since position: BatchPosition) throws -> BatchChanges? {
        var a = SQLArgs()
        let b = a.add(id)
        guard let row = try link.query("SELECT \(Self.batchColumns) FROM batches WHERE id = \(b)", a).first else { return nil }
        let summary = try summary(row, recount: false)
        let next = try self.position(id, from: position)
        var o = SQLArgs()
        let outcomes = try link.query("""
            SELECT external_id, outcome, remote_ids, errors FROM batch_orders WHERE batch_id = \(o.add(id)) AND updated_at >= \(o.add(position.outcomesAt))
            """, o).map(Self.outcome)
        var r = SQLArgs()
        let requests = try link.query("""
            SELECT \(RequestLineColumns.select(bodies: false)) WHERE r.batch_id = \(r.add(id)) AND r.id > \(r.add(Int(position.requestId))) ORDER BY r.id
            """, r).map(PostgresRequestColumns.record)
        return BatchChanges(summary: summary, outcomes: outcomes, requests: requests, position: next)
    }
}

/// A request line and its bodies as one row (`RequestLineColumns`), by name.
enum PostgresRequestColumns {
    static func record(_ r: PostgresRandomAccessRow) throws -> RequestRecord {
        let pruned = try r["pruned"].decode(String?.self, context: .default)
        func body(_ name: String) throws -> [UInt8] {
            guard let stored = try r[name].decode(ByteBuffer?.self, context: .default) else { return [] }
            return StoredBody.decode(Array(stored.readableBytesView))
        }
        return RequestRecord(sequence: try r["sequence"].decode(Int.self, context: .default),
                             attempt: try r["attempt"].decode(Int.self, context: .default),
                             method: try r["method"].decode(String.self, context: .default),
                             url: try r["url"].decode(String.self, context: .default),
                             requestBody: try pruned.map { Array(PruneReport.marker($0).utf8) } ?? body("request"),
                             status: try r["status"].decode(Int?.self, context: .default), responseBody: try body("response"),
                             error: try r["error"].decode(String?.self, context: .default),
                             startedAt: try r["started_at"].decode(String.self, context: .default),
                             milliseconds: try r["milliseconds"].decode(Int.self, context: .default),
                             orderIds: (try? JSONParser.parse(try r["order_ids"].decode(String.self, context: .default)))?.arrayValue?.compactMap(\.stringValue) ?? [])
    }
}
