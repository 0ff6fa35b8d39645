import DocketCore
import Foundation
import PostgresNIO

/// The PostgreSQL store's tables: the SQLite store's, in PostgreSQL's
/// types, with a generated `tsvector` for search. Each step is applied
/// once, in order; a store made by a newer Docket is refused.
enum PostgresSchema {
    /// Each step's statements, one at a time: the extended protocol takes
    /// no more. (The first is written as a script and split at `;`
    /// ending a line.)
    static let steps: [[String]] = [
        """
        CREATE TABLE orders (
            id BIGSERIAL PRIMARY KEY,
            external_id TEXT COLLATE "C" NOT NULL UNIQUE,
            status TEXT COLLATE "C" NOT NULL,
            version INTEGER NOT NULL,
            imported_from TEXT,
            order_date TEXT COLLATE "C" NOT NULL DEFAULT '',
            customer TEXT COLLATE "C" NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            country TEXT NOT NULL DEFAULT '',
            currency TEXT NOT NULL DEFAULT '',
            total TEXT NOT NULL DEFAULT '',
            item_count INTEGER NOT NULL,
            skus TEXT NOT NULL DEFAULT '',
            last_outcome TEXT COLLATE "C" NOT NULL DEFAULT '',
            last_target TEXT NOT NULL DEFAULT '',
            last_batch TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT COLLATE "C" NOT NULL,
            body TEXT NOT NULL,
            search tsvector GENERATED ALWAYS AS (to_tsvector('simple', external_id || ' ' || customer || ' ' || skus)) STORED
        );
        CREATE INDEX orders_by_status ON orders(status, external_id);
        CREATE INDEX orders_by_date ON orders(order_date, external_id);
        CREATE INDEX orders_by_customer ON orders(customer, external_id);
        CREATE INDEX orders_by_outcome ON orders(last_outcome, external_id);
        CREATE INDEX orders_by_updated ON orders(updated_at, external_id);
        CREATE INDEX orders_by_email ON orders(lower(email));
        CREATE INDEX orders_search ON orders USING GIN (search);
        CREATE TABLE batches (
            id TEXT PRIMARY KEY,
            target TEXT NOT NULL,
            dialect TEXT NOT NULL,
            created_at TEXT NOT NULL,
            finished_at TEXT,
            order_count INTEGER NOT NULL,
            final_counts TEXT,
            owner_host TEXT,
            owner_pid INTEGER,
            heartbeat DOUBLE PRECISION
        );
        CREATE INDEX batches_by_created ON batches(created_at);
        CREATE INDEX batches_unfinished ON batches(target) WHERE finished_at IS NULL;
        CREATE TABLE batch_orders (
            batch_id TEXT NOT NULL REFERENCES batches(id),
            external_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            remote_ids TEXT NOT NULL DEFAULT '[]',
            errors TEXT NOT NULL DEFAULT '[]',
            updated_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            version INTEGER,
            PRIMARY KEY (batch_id, external_id)
        );
        CREATE INDEX batch_orders_by_order ON batch_orders(external_id);
        CREATE INDEX batch_orders_by_update ON batch_orders(batch_id, updated_at);
        CREATE TABLE requests (
            id BIGSERIAL PRIMARY KEY,
            batch_id TEXT NOT NULL REFERENCES batches(id),
            sequence INTEGER NOT NULL,
            attempt INTEGER NOT NULL,
            method TEXT NOT NULL,
            url TEXT NOT NULL,
            request_body TEXT NOT NULL,
            status INTEGER,
            response_body TEXT NOT NULL,
            error TEXT,
            started_at TEXT NOT NULL,
            milliseconds INTEGER NOT NULL,
            order_ids TEXT NOT NULL
        );
        CREATE INDEX requests_by_batch ON requests(batch_id, sequence, attempt);
        CREATE TABLE order_targets (
            external_id TEXT NOT NULL,
            target TEXT NOT NULL,
            outcome TEXT NOT NULL,
            batch_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            hold BOOLEAN NOT NULL DEFAULT false,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (external_id, target)
        );
        """.components(separatedBy: ";\n"),
        ["""
        CREATE TABLE order_versions (
            external_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            at TEXT NOT NULL,
            store_user TEXT NOT NULL,
            os_user TEXT NOT NULL,
            source TEXT NOT NULL,
            changes TEXT NOT NULL,
            PRIMARY KEY (external_id, version)
        )
        """],
        // Every write says so on one channel, once per statement (and
        // PostgreSQL folds repeats within a transaction): consoles redraw.
        [
            """
            CREATE FUNCTION docket_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('docket_changes', TG_TABLE_NAME);
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER orders_changed AFTER INSERT OR UPDATE OR DELETE ON orders FOR EACH STATEMENT EXECUTE FUNCTION docket_notify()",
            "CREATE TRIGGER batches_changed AFTER INSERT OR UPDATE OR DELETE ON batches FOR EACH STATEMENT EXECUTE FUNCTION docket_notify()",
            "CREATE TRIGGER batch_orders_changed AFTER INSERT OR UPDATE OR DELETE ON batch_orders FOR EACH STATEMENT EXECUTE FUNCTION docket_notify()",
            "CREATE TRIGGER requests_changed AFTER INSERT ON requests FOR EACH STATEMENT EXECUTE FUNCTION docket_notify()",
        ],
        // Bodies leave the request lines for a table partitioned by the
        // month their batch began (`PostgresPartitions` adds the months),
        // so pruning a month drops a partition, not rows. Compressed by
        // Docket as they are written; those moved here keep their text,
        // marked as plain (a leading zero byte).
        [
            """
            CREATE TABLE request_bodies (
                request_id BIGINT NOT NULL,
                month TEXT COLLATE "C" NOT NULL,
                request BYTEA NOT NULL,
                response BYTEA NOT NULL,
                PRIMARY KEY (request_id, month)
            ) PARTITION BY LIST (month)
            """,
            "CREATE TABLE request_bodies_default PARTITION OF request_bodies DEFAULT",
            "ALTER TABLE requests ADD COLUMN pruned TEXT",
            """
            INSERT INTO request_bodies (request_id, month, request, response)
            SELECT r.id, substr(b.created_at, 1, 7), '\\x00'::bytea || convert_to(r.request_body, 'UTF8'),
                   '\\x00'::bytea || convert_to(r.response_body, 'UTF8')
            FROM requests r JOIN batches b ON b.id = r.batch_id
            WHERE r.request_body NOT LIKE '(body dropped by docket prune on %'
            """,
            """
            UPDATE requests SET pruned = substr(request_body, 34, length(request_body) - 34)
            WHERE request_body LIKE '(body dropped by docket prune on %'
            """,
            "ALTER TABLE requests DROP COLUMN request_body, DROP COLUMN response_body",
        ],
        // The search words are cut by Docket (`SearchText.vector`), as the
        // SQLite store's index cuts them, instead of by PostgreSQL's text
        // parser: the same words on both stores, and an import spends a
        // third less of the server's time. `fillSearch` fills the rows.
        [
            "ALTER TABLE orders DROP COLUMN search",
            "ALTER TABLE orders ADD COLUMN search tsvector NOT NULL DEFAULT ''",
            "CREATE INDEX orders_search ON orders USING GIN (search)",
        ],
    ]

    /// Work a step needs beyond SQL, after its statements.
    static let afterStep: [Int: @Sendable (PostgresLink) throws -> Void] = [5: fillSearch]

    /// Every order's search words, a few thousand orders per statement.
    static func fillSearch(_ link: PostgresLink) throws {
        var last = ""
        while true {
            var a = SQLArgs()
            let rows = try link.query("""
                SELECT external_id, customer, skus FROM orders WHERE external_id > \(a.add(last)) ORDER BY external_id LIMIT 5000
                """, a)
            guard let final = rows.last else { return }
            try setSearch(link, rows)
            last = try final.text(0)
        }
    }

    /// The search words of these rows (`external_id, customer, skus`).
    static func setSearch(_ link: PostgresLink, _ rows: [PostgresRandomAccessRow]) throws {
        guard !rows.isEmpty else { return }
        var ids: [String] = [], vectors: [String] = []
        for r in rows {
            ids.append(try r.text(0))
            vectors.append(SearchText.vector(externalId: try r.text(0), customer: try r.text(1), skus: try r.text(2)))
        }
        var u = SQLArgs()
        try link.query("""
            UPDATE orders SET search = u.v::tsvector FROM unnest(\(u.add(ids))::text[], \(u.add(vectors))::text[]) AS u(e, v)
            WHERE orders.external_id = u.e
            """, u)
    }

    /// Brings the database to the newest schema, under an advisory lock so
    /// two processes opening a new store at once do not both build it.
    static func migrate(_ link: PostgresLink) throws {
        // Up to date: nothing to write, so a role that may only read opens it.
        if let current = try? link.query("SELECT max(version) FROM docket_schema").first?.optionalInt(0), current == steps.count { return }
        try link.transaction {
            try link.query("SELECT pg_advisory_xact_lock(7263354)")
            try link.query("CREATE TABLE IF NOT EXISTS docket_schema (version INTEGER NOT NULL)")
            let current = try link.query("SELECT max(version) FROM docket_schema").first?.optionalInt(0) ?? 0
            guard current <= steps.count else {
                throw DocketError("the store \(link.url) was made by a newer Docket (schema \(current); this one knows \(steps.count)): use that Docket, or a newer one")
            }
            for (i, step) in steps.enumerated() where i + 1 > current {
                for statement in step where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    try link.query(statement)
                }
                try afterStep[i + 1]?(link)
                var args = SQLArgs()
                try link.query("INSERT INTO docket_schema (version) VALUES (\(args.add(i + 1)))", args)
            }
        }
    }
}
