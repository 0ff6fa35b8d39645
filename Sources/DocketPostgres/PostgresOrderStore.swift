import DocketCore
import Foundation
import PostgresNIO

/// Docket's store on a PostgreSQL database: the same contract as the
/// SQLite store, for a team sharing one database server.
public final class PostgresOrderStore: OrderStoring, @unchecked Sendable {
    let link: PostgresLink
    public var url: PostgresURL { link.url }
    /// The role may read the orders but not change them.
    let readOnly: Bool

    /// Connects, and brings the schema up to date.
    public init(url text: String, password: String? = nil) throws {
        let url = try PostgresURL(text)
        link = try PostgresLink(url: url, password: password ?? url.password())
        try PostgresSchema.migrate(link)
        readOnly = try link.query("SELECT has_table_privilege('orders', 'UPDATE')").first?.bool(0) == false
        addMonths()
    }

    static func now() -> String { Date().ISO8601Format() }

    // MARK: Import

    /// Every order in one transaction, sent in blocks of a thousand rows
    /// as arrays (`unnest`), so a million orders are a thousand statements.
    /// The calling thread reads and prepares orders (`ImportPipeline`); a
    /// thread of the store's sends each block without waiting and reads
    /// its answer back while the next is made, so the reader, the sender
    /// and the server all work at once.
    /// `produce` may read standard input, so the transaction is not run
    /// twice; it takes the orders table for itself first (readers go on),
    /// so no other writer can hold some of its rows while it waits for
    /// them: a send or a save waits for the import, and none deadlocks.
    public func importOrders(_ produce: (_ emit: (Order, _ canonicalJSON: [UInt8]?) throws -> Void) throws -> Void) throws -> ImportSummary {
        let now = Self.now()
        return try ImportPipeline.run(produce, batch: 1000) { [self] channel in
            var summary = ImportSummary()
            try link.transaction(retry: false) {
                try link.query("LOCK TABLE orders IN EXCLUSIVE MODE")
                let deferred = try deferIndexes()
                var inFlight: (PostgresLink.Pending, ArraySlice<PreparedOrder>)?
                // History entries go out like the blocks, answered later.
                var entries: [PostgresLink.Pending] = []
                func settle(_ sent: (PostgresLink.Pending, ArraySlice<PreparedOrder>)) throws {
                    let replaced = try Self.count(try link.collect(sent.0), into: &summary)
                    if let recorded = try recordReplaced(replaced, from: sent.1, now: now, unchanged: &summary.replacedUnchanged) {
                        entries.append(recorded)
                    }
                }
                func flush(_ block: ArraySlice<PreparedOrder>) throws {
                    guard !block.isEmpty else { return }
                    let sent = try send(block, now: now)
                    if let inFlight { try settle(inFlight) }
                    inFlight = (sent, block)
                }
                while let batch = try channel.receive() {
                    // The same order twice in one statement would be one
                    // upsert touching a row twice: the block ends before it.
                    var ids = Set<String>()
                    var start = batch.startIndex
                    for (i, order) in batch.enumerated() where !ids.insert(order.externalId).inserted {
                        try flush(batch[start..<i])
                        start = i
                        ids = [order.externalId]
                    }
                    try flush(batch[start...])
                }
                if let inFlight { try settle(inFlight) }
                for entry in entries { _ = try link.collect(entry) }
                try build(deferred)
            }
            return summary
        }
    }

    /// One block's upsert. It answers with one row: how many orders were
    /// added, how many replaced, (in the file's order) the ids kept as
    /// they were because they are no longer OPEN, and the replaced orders
    /// with their new versions and the bodies they had (every part of one
    /// statement reads the table as it was before it, so the lookup in the
    /// last part still finds the old body; comparing the bodies there cost
    /// every block a join of its new bodies, added orders too).
    func send(_ block: ArraySlice<PreparedOrder>, now: String) throws -> PostgresLink.Pending {
        var args = SQLArgs()
        let columns: [[String]] = [
            block.map(\.externalId), block.map(\.status), block.map { $0.importedFrom ?? "" },
            block.map(\.orderDate), block.map(\.columns.customer), block.map(\.columns.email), block.map(\.columns.country),
            block.map(\.columns.currency), block.map(\.columns.total), block.map { String($0.itemCount) }, block.map(\.columns.skus),
            block.map { String(decoding: $0.columns.body, as: UTF8.self) },
            block.map { SearchText.vector(externalId: $0.externalId, customer: $0.columns.customer, skus: $0.columns.skus) },
        ]
        let arrays = columns.map { args.add($0) + "::text[]" }.joined(separator: ", ")
        let stamp = args.add(now)
        return try link.send("""
            WITH done AS (
                INSERT INTO orders (external_id, status, version, imported_from, order_date, customer, email, country, currency, total,
                                    item_count, skus, created_at, updated_at, body, search)
                SELECT e, s, 1, NULLIF(f, ''), d, c, m, co, cu, t, n::int, k, \(stamp), \(stamp), b, v::tsvector
                FROM unnest(\(arrays)) AS u(e, s, f, d, c, m, co, cu, t, n, k, b, v)
                ON CONFLICT (external_id) DO UPDATE SET status = EXCLUDED.status, version = orders.version + 1,
                    imported_from = EXCLUDED.imported_from, order_date = EXCLUDED.order_date, customer = EXCLUDED.customer,
                    email = EXCLUDED.email, country = EXCLUDED.country, currency = EXCLUDED.currency, total = EXCLUDED.total,
                    item_count = EXCLUDED.item_count, skus = EXCLUDED.skus, updated_at = EXCLUDED.updated_at, body = EXCLUDED.body,
                    search = EXCLUDED.search
                WHERE orders.status = 'OPEN'
                RETURNING external_id, (xmax = 0) AS added, version)
            SELECT (SELECT count(*) FILTER (WHERE added) FROM done)::int, (SELECT count(*) FILTER (WHERE NOT added) FROM done)::int,
                   coalesce((SELECT array_agg(e ORDER BY p) FROM unnest($1::text[]) WITH ORDINALITY AS k(e, p)
                             WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.external_id = k.e)), '{}'),
                   coalesce(r.ids, '{}'), coalesce(r.versions, '{}'), coalesce(r.bodies, '{}')
            FROM (SELECT array_agg(d.external_id ORDER BY d.external_id) AS ids,
                         array_agg(d.version::text ORDER BY d.external_id) AS versions,
                         array_agg((SELECT o.body FROM orders o WHERE o.external_id = d.external_id) ORDER BY d.external_id) AS bodies
                  FROM done d WHERE NOT d.added) r
            """, args)
    }

    /// Each replaced order's history entry: the import's changes to it.
    func recordReplaced(_ replaced: [(id: String, version: String, stored: String)], from block: ArraySlice<PreparedOrder>,
                        now: String, unchanged: inout Int) throws -> PostgresLink.Pending? {
        guard !replaced.isEmpty else { return nil }
        let imported = Dictionary(block.map { ($0.externalId, $0.columns.body) }, uniquingKeysWith: { _, last in last })
        var a = SQLArgs()
        let ids = a.add(replaced.map(\.id)), versions = a.add(replaced.map(\.version))
        let told = OrderChange.importChanges(replaced.map { ($0.stored, imported[$0.id] ?? []) })
        unchanged += told.filter(\.isEmpty).count
        let changes = a.add(told.map(OrderChange.encode))
        return try link.send("""
            INSERT INTO order_versions (external_id, version, at, store_user, os_user, source, changes)
            SELECT e, v::int, \(a.add(now)), current_user, \(a.add(OrderChange.currentOSUser)), \(a.add(OrderChange.importSource)), c
            FROM unnest(\(ids)::text[], \(versions)::text[], \(changes)::text[]) AS u(e, v, c)
            ON CONFLICT (external_id, version) DO NOTHING
            """, a)
    }

    /// Into an empty store, by the role that owns it (the move to a team
    /// store, a first load): the sort indexes are dropped and built again
    /// after the rows, which takes a third of the time of keeping them up
    /// row by row, and the search index gathers its entries to merge them
    /// once. The table is then this transaction's alone until it commits
    /// (a console opening it meanwhile waits, showing it is loading); an
    /// error puts the indexes back with everything else. Otherwise nothing.
    func deferIndexes() throws -> [String] {
        let owner = try link.query("""
            SELECT NOT EXISTS (SELECT 1 FROM orders) AND pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = 'orders'::regclass
            """).first?.bool(0) == true
        guard owner else { return [] }
        try link.query("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE")
        let indexes = try link.query("""
            SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'orders'
            AND indexdef NOT LIKE 'CREATE UNIQUE %' AND indexdef NOT LIKE '% USING gin %'
            """).map { (name: try $0.text(0), definition: try $0.text(1)) }
        for index in indexes { try link.query("DROP INDEX \(index.name)") }
        try link.query("SET LOCAL gin_pending_list_limit = '1GB'")
        return indexes.map(\.definition) + ["SELECT gin_clean_pending_list('orders_search')"]
    }

    /// The indexes back, and the planner told what the table now holds
    /// (it would otherwise plan for an empty one until autovacuum looks).
    func build(_ deferred: [String]) throws {
        guard !deferred.isEmpty else { return }
        try link.query("SET LOCAL maintenance_work_mem = '256MB'")
        for statement in deferred { try link.query(statement) }
        try link.query("ANALYZE orders")
    }

    /// Adds a block's answer to the summary; the replaced orders, for
    /// their history.
    static func count(_ rows: [PostgresRandomAccessRow], into summary: inout ImportSummary) throws
        -> [(id: String, version: String, stored: String)] {
        guard let r = rows.first else { return [] }
        summary.added += try r.int(0)
        summary.replaced += try r.int(1)
        for id in try r[2].decode([String].self, context: .default) {
            summary.keptNotOpenCount += 1
            if summary.keptNotOpen.count < 100 { summary.keptNotOpen.append(id) }
        }
        let ids = try r[3].decode([String].self, context: .default)
        let versions = try r[4].decode([String].self, context: .default)
        let bodies = try r[5].decode([String].self, context: .default)
        return ids.indices.map { (ids[$0], versions[$0], bodies[$0]) }
    }

    // MARK: Reading

    static let storedColumns = "body, version, last_outcome, last_target, created_at, updated_at, status"

    public func order(externalId: String) throws -> StoredOrder? {
        var args = SQLArgs()
        let id = args.add(externalId)
        guard let row = try link.query("SELECT \(Self.storedColumns) FROM orders WHERE external_id = \(id)", args).first else { return nil }
        var stored = try Self.stored(row)
        stored.targets = try link.query("""
            SELECT ot.target, b.dialect, ot.outcome, ot.batch_id, ot.version, ot.hold, ot.updated_at
            FROM order_targets ot LEFT JOIN batches b ON b.id = ot.batch_id
            WHERE ot.external_id = \(id) ORDER BY ot.updated_at DESC, ot.target
            """, args).map { r in
            TargetOutcome(target: try r.text(0), dialect: try r.optionalText(1).flatMap(Dialect.init(rawValue:)),
                          outcome: Outcome(rawValue: try r.text(2)) ?? .unknown, batch: try r.text(3), version: try r.int(4),
                          held: try r.bool(5), at: try r.text(6))
        }
        return stored
    }

    static func stored(_ row: PostgresRandomAccessRow) throws -> StoredOrder {
        var order: Order
        do {
            order = try CanonicalCodec.decode(try JSONParser.parse(Array(try row.text(0).utf8)))
        } catch {
            throw DocketError("an order in the store cannot be read back: \(error)")
        }
        order.status = OrderStatus(rawValue: try row.text(6)) ?? order.status
        let outcome = try row.text(2), target = try row.text(3)
        return StoredOrder(order: order, version: try row.int(1), lastOutcome: outcome.isEmpty ? nil : outcome,
                           lastTarget: target.isEmpty ? nil : target, createdAt: try row.text(4), updatedAt: try row.text(5))
    }

    static let summaryColumns = "external_id, status, version, imported_from, order_date, customer, email, country, currency, total, item_count"

    public func page(_ q: OrderQuery, after cursor: PageCursor?, limit: Int) throws -> [OrderSummary] {
        try page(q, cursor: cursor, inclusive: false, limit: limit)
    }

    public func page(_ q: OrderQuery, from cursor: PageCursor, limit: Int) throws -> [OrderSummary] {
        try page(q, cursor: cursor, inclusive: true, limit: limit)
    }

    func page(_ q: OrderQuery, cursor: PageCursor?, inclusive: Bool, limit: Int) throws -> [OrderSummary] {
        var args = SQLArgs()
        // The outcome at the listing's target, else the latest anywhere.
        let outcome: String
        if let t = q.target {
            let target = args.add(t)
            outcome = "coalesce((SELECT ot.outcome FROM order_targets ot WHERE ot.external_id = orders.external_id AND ot.target = \(target)), ''), \(target)::text"
        } else {
            outcome = "last_outcome, last_target"
        }
        let filter = PostgresFilter.whereClause(q, &args)
        let (after, order) = q.keyset(after: cursor, inclusive: inclusive) { args.add($0) }
        let whereSQL = filter + after
        return try link.query("""
            SELECT \(Self.summaryColumns), \(outcome), updated_at FROM orders WHERE \(whereSQL) ORDER BY \(order) LIMIT \(max(0, limit))
            """, args).map { r in
            let outcome = try r.text(11), target = try r.text(12)
            return OrderSummary(externalId: try r.text(0), status: OrderStatus(rawValue: try r.text(1)) ?? .open, version: try r.int(2),
                                importedFrom: try r.optionalText(3).flatMap(Dialect.init(rawValue:)), orderDate: try r.text(4),
                                customer: try r.text(5), email: try r.text(6), country: try r.text(7), currency: try r.text(8),
                                total: try r.text(9), itemCount: try r.int(10), lastOutcome: outcome.isEmpty ? nil : outcome,
                                lastTarget: target.isEmpty ? nil : target, updatedAt: try r.text(13))
        }
    }

    public func count(_ q: OrderQuery) throws -> Int {
        var args = SQLArgs()
        let whereSQL = PostgresFilter.whereClause(q, &args)
        return try link.query("SELECT count(*) FROM orders WHERE \(whereSQL)", args).first?.int(0) ?? 0
    }

    public func count(_ q: OrderQuery, atMost limit: Int) throws -> Int {
        var args = SQLArgs()
        let whereSQL = PostgresFilter.whereClause(q, &args)
        return try link.query("SELECT count(*) FROM (SELECT 1 FROM orders WHERE \(whereSQL) LIMIT \(max(0, limit))) AS s", args).first?.int(0) ?? 0
    }

    public func forEachOrder(_ q: OrderQuery, _ body: (StoredOrder) throws -> Void) throws {
        var last = ""
        while true {
            var args = SQLArgs()
            let whereSQL = PostgresFilter.whereClause(q, &args)
            let rows = try link.query("""
                SELECT \(Self.storedColumns), external_id FROM orders WHERE \(whereSQL) AND external_id > \(args.add(last))
                ORDER BY external_id LIMIT 1000
                """, args)
            for row in rows { try body(try Self.stored(row)) }
            guard let final = rows.last else { return }
            last = try final.text(7)
        }
    }

    // MARK: Editing

    public func history(of externalId: String) throws -> [OrderChange] {
        var a = SQLArgs()
        return try link.query("""
            SELECT version, at, store_user, os_user, source, changes FROM order_versions WHERE external_id = \(a.add(externalId)) ORDER BY version
            """, a).map { r in
            OrderChange(version: try r.int(0), at: try r.text(1), storeUser: try r.text(2), osUser: try r.text(3), source: try r.text(4),
                        fields: OrderChange.decode(try r.text(5)))
        }
    }

    /// Saved only at the version the editor read: `UPDATE … WHERE version =`,
    /// so of two consoles saving one order the second is refused.
    public func save(_ order: Order, expectedVersion: Int, source: String) throws -> StoredOrder {
        try link.transaction {
            var args = SQLArgs()
            let id = args.add(order.externalId)
            guard let current = try link.query("SELECT version, status, body FROM orders WHERE external_id = \(id) FOR UPDATE", args).first else {
                throw DocketError("there is no order \(order.externalId) in the store", order: order.externalId)
            }
            let version = try current.int(0), status = try current.text(1)
            guard status == OrderStatus.open.rawValue else {
                throw DocketError("order \(order.externalId) is \(status); only OPEN orders can be edited", order: order.externalId)
            }
            guard version == expectedVersion else {
                throw DocketError("order \(order.externalId) was changed by someone else (now version \(version), you edited version \(expectedVersion)); reload it and apply your change again", order: order.externalId)
            }
            let c = OrderColumns(order)
            var set = SQLArgs()
            let sql = """
                UPDATE orders SET status = \(set.add(order.status.rawValue)), version = version + 1,
                    imported_from = \(set.add(order.importedFrom?.rawValue)), order_date = \(set.add(order.orderDate ?? "")),
                    customer = \(set.add(c.customer)), email = \(set.add(c.email)), country = \(set.add(c.country)),
                    currency = \(set.add(c.currency)), total = \(set.add(c.total)), item_count = \(set.add(order.items.count)),
                    skus = \(set.add(c.skus)), updated_at = \(set.add(Self.now())), body = \(set.add(String(decoding: c.body, as: UTF8.self))),
                    search = \(set.add(SearchText.vector(externalId: order.externalId, customer: c.customer, skus: c.skus)))::tsvector
                WHERE external_id = \(set.add(order.externalId)) AND version = \(set.add(expectedVersion))
                RETURNING \(Self.storedColumns)
                """
            guard let row = try link.query(sql, set).first else {
                throw DocketError("order \(order.externalId) was changed by someone else meanwhile; reload it and apply your change again", order: order.externalId)
            }
            let saved = try Self.stored(row)
            let before = (try? CanonicalCodec.decode(try JSONParser.parse(Array(try current.text(2).utf8)))) ?? order
            var h = SQLArgs()
            try link.query("""
                INSERT INTO order_versions (external_id, version, at, store_user, os_user, source, changes)
                VALUES (\(h.add(order.externalId)), \(h.add(saved.version)), \(h.add(saved.updatedAt)), current_user,
                        \(h.add(OrderChange.currentOSUser)), \(h.add(source)), \(h.add(OrderChange.encode(OrderFields.diff(from: before, to: saved.order)))))
                ON CONFLICT (external_id, version) DO NOTHING
                """, h)
            return saved
        }
    }
}

extension PostgresOrderStore {
    /// Makes an empty database `name` on the server of `server` (a URL of a
    /// database there that this role may connect to): for a fresh store per
    /// test run, and for `store copy` to a new database.
    public static func createDatabase(server: String, name: String) throws -> String {
        let url = try PostgresURL(server)
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw DocketError("\(name) is not a plain database name (letters, digits, _)")
        }
        let link = try PostgresLink(url: url, password: url.password())
        defer { link.close() }
        try link.query("CREATE DATABASE \(name)")
        var made = url
        made.database = name
        return made.description
    }

    public static func dropDatabase(server: String, name: String) throws {
        let url = try PostgresURL(server)
        let link = try PostgresLink(url: url, password: url.password())
        defer { link.close() }
        try link.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Ends the connection now (it ends when the store goes, too).
    public func close() { link.close() }
}
