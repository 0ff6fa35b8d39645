import DocketCore
import Foundation
import GRDB

/// The store's schema, one migration per change, never edited once shipped.
///
/// Orders keep their canonical JSON in `body` and copy into columns only
/// what a listing filters, sorts or searches by. Sortable columns are NOT
/// NULL (empty text when absent) so that keyset paging can compare row
/// values. Batches, requests and per-order outcomes come in later
/// migrations; `last_outcome`, `last_target` and `last_batch` are where
/// their latest word about each order lands.
///
/// The search index is kept by the store's own code rather than triggers:
/// FTS5 flushes its pending terms at every statement savepoint, so a
/// per-row trigger turned a bulk import into a million tiny index segments.
/// Imports add a whole file's rows to it with one statement instead.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-orders") { db in
            try db.execute(sql: """
                CREATE TABLE orders (
                    id INTEGER PRIMARY KEY,
                    external_id TEXT NOT NULL UNIQUE,
                    status TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    imported_from TEXT,
                    order_date TEXT NOT NULL DEFAULT '',
                    customer TEXT NOT NULL DEFAULT '',
                    email TEXT NOT NULL DEFAULT '',
                    country TEXT NOT NULL DEFAULT '',
                    currency TEXT NOT NULL DEFAULT '',
                    total TEXT NOT NULL DEFAULT '',
                    item_count INTEGER NOT NULL,
                    skus TEXT NOT NULL DEFAULT '',
                    last_outcome TEXT NOT NULL DEFAULT '',
                    last_target TEXT NOT NULL DEFAULT '',
                    last_batch TEXT NOT NULL DEFAULT '',
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    body TEXT NOT NULL
                );
                CREATE INDEX orders_by_status ON orders(status, external_id);
                CREATE INDEX orders_by_date ON orders(order_date, external_id);
                CREATE INDEX orders_by_customer ON orders(customer, external_id);
                CREATE INDEX orders_by_outcome ON orders(last_outcome, external_id);

                CREATE VIRTUAL TABLE orders_search USING fts5(
                    external_id, customer, skus,
                    content='orders', content_rowid='id', detail=none, columnsize=0,
                    tokenize="unicode61 remove_diacritics 2 tokenchars '-_./'"
                );
                """)
        }
        migrator.registerMigration("v2-batches") { db in
            try db.execute(sql: """
                CREATE TABLE batches (
                    id TEXT PRIMARY KEY,
                    target TEXT NOT NULL,
                    dialect TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    finished_at TEXT,
                    order_count INTEGER NOT NULL
                );
                CREATE INDEX batches_by_created ON batches(created_at);
                CREATE TABLE batch_orders (
                    batch_id TEXT NOT NULL REFERENCES batches(id),
                    external_id TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    remote_ids TEXT NOT NULL DEFAULT '[]',
                    errors TEXT NOT NULL DEFAULT '[]',
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (batch_id, external_id)
                ) WITHOUT ROWID;
                CREATE INDEX batch_orders_by_order ON batch_orders(external_id);
                CREATE TABLE requests (
                    id INTEGER PRIMARY KEY,
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
                """)
        }
        migrator.registerMigration("v3-journal") { db in
            // How often each order went out in this batch: after a crash, an
            // order with attempts but no outcome may have arrived.
            try db.execute(sql: "ALTER TABLE batch_orders ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v4-final-counts") { db in
            // A finished batch's counts never change: kept with it, so the
            // Batches screen does not recount every outcome ever recorded
            // each time it refreshes. NULL: still sending, or finished
            // before this column (counted as before).
            try db.execute(sql: "ALTER TABLE batches ADD COLUMN final_counts TEXT")
        }
        migrator.registerMigration("v5-per-target-and-claims") { db in
            // Each order's latest word from each target it went to, with
            // the version it was about: "changed since accepted", "rejected
            // at Cropster but accepted at Omnia". `hold`: the target may have
            // the order although nobody heard it say so, and it cannot be
            // asked to update it (Centra without an order number): not sent
            // again until someone settles it.
            //
            // Claims need no table of their own: an order is claimed for a
            // target while it is in an unfinished batch to that target, whose
            // owner beats while it sends, so a stopped or hung owner can be
            // told from a busy one.
            try db.execute(sql: """
                CREATE TABLE order_targets (
                    external_id TEXT NOT NULL,
                    target TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    batch_id TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    hold INTEGER NOT NULL DEFAULT 0,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (external_id, target)
                ) WITHOUT ROWID;
                ALTER TABLE batch_orders ADD COLUMN version INTEGER;
                ALTER TABLE batches ADD COLUMN owner_host TEXT;
                ALTER TABLE batches ADD COLUMN owner_pid INTEGER;
                ALTER TABLE batches ADD COLUMN heartbeat REAL;
                CREATE INDEX batches_unfinished ON batches(target) WHERE finished_at IS NULL;

                -- History before this migration: the latest outcome per
                -- target, taken as being about the order as it is now.
                INSERT OR REPLACE INTO order_targets (external_id, target, outcome, batch_id, version, updated_at)
                    SELECT bo.external_id, b.target, bo.outcome, b.id, o.version, bo.updated_at
                    FROM batch_orders bo JOIN batches b ON b.id = bo.batch_id JOIN orders o ON o.external_id = bo.external_id
                    WHERE bo.outcome != 'pending' ORDER BY b.rowid;
                """)
        }
        migrator.registerMigration("v6-batch-changes") { db in
            // Watching a running batch reads only the outcomes recorded
            // since the last look, not a million every half second.
            try db.execute(sql: "CREATE INDEX batch_orders_by_update ON batch_orders(batch_id, updated_at)")
        }
        migrator.registerMigration("v7-order-history") { db in
            // Every saved version: who, when, and which fields changed from
            // what to what (a JSON list), for "who changed this order".
            try db.execute(sql: """
                CREATE TABLE order_versions (
                    external_id TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    at TEXT NOT NULL,
                    store_user TEXT NOT NULL,
                    os_user TEXT NOT NULL,
                    source TEXT NOT NULL,
                    changes TEXT NOT NULL,
                    PRIMARY KEY (external_id, version)
                ) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v8-compressed-bodies") { db in
            // Bodies leave the request lines for a table of their own,
            // compressed: lines stay small to list, and pruning deletes
            // body rows instead of rewriting lines. A body pruned before
            // keeps its day in `pruned`.
            try db.execute(sql: """
                CREATE TABLE request_bodies (
                    request_id INTEGER PRIMARY KEY,
                    month TEXT NOT NULL,
                    request BLOB NOT NULL,
                    response BLOB NOT NULL
                );
                ALTER TABLE requests ADD COLUMN pruned TEXT;
                """)
            let marker = PruneReport.marker("")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT r.id, substr(b.created_at, 1, 7) AS month, r.request_body, r.response_body
                FROM requests r JOIN batches b ON b.id = r.batch_id
                """)
            let insert = try db.makeStatement(sql: "INSERT INTO request_bodies (request_id, month, request, response) VALUES (?, ?, ?, ?)")
            let prune = try db.makeStatement(sql: "UPDATE requests SET pruned = ? WHERE id = ?")
            while let row = try rows.next() {
                let id: Int64 = row["id"]
                let request: String = row["request_body"]
                if request.hasPrefix(marker.dropLast()) {
                    try prune.execute(arguments: [String(request.dropFirst(marker.count - 1).dropLast()), id])
                } else {
                    let response: String = row["response_body"]
                    try insert.execute(arguments: [id, row["month"] as String,
                                                   Data(StoredBody.encode(Array(request.utf8))), Data(StoredBody.encode(Array(response.utf8)))])
                }
            }
            try db.execute(sql: "ALTER TABLE requests DROP COLUMN request_body; ALTER TABLE requests DROP COLUMN response_body")
        }
        return migrator
    }
}
