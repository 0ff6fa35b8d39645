import GRDB

/// The store's schema, one migration per change, never edited once shipped.
///
/// Orders keep their canonical JSON in `body` and copy into columns only
/// what a listing filters, sorts or searches by. Sortable columns are NOT
/// NULL (empty text when absent) so that keyset paging can compare row
/// values. Batches, requests and per-order outcomes come in later
/// migrations; `last_outcome`, `last_target` and `last_batch` are where
/// their latest word about each order lands.
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
                CREATE INDEX orders_by_updated ON orders(updated_at, external_id);
                CREATE INDEX orders_by_outcome ON orders(last_outcome, external_id);
                CREATE INDEX orders_by_target ON orders(last_target, external_id);

                CREATE VIRTUAL TABLE orders_search USING fts5(
                    external_id, customer, skus,
                    content='orders', content_rowid='id',
                    tokenize="unicode61 remove_diacritics 2 tokenchars '-_./'"
                );
                CREATE TRIGGER orders_search_insert AFTER INSERT ON orders BEGIN
                    INSERT INTO orders_search(rowid, external_id, customer, skus)
                    VALUES (new.id, new.external_id, new.customer, new.skus);
                END;
                CREATE TRIGGER orders_search_delete AFTER DELETE ON orders BEGIN
                    INSERT INTO orders_search(orders_search, rowid, external_id, customer, skus)
                    VALUES ('delete', old.id, old.external_id, old.customer, old.skus);
                END;
                CREATE TRIGGER orders_search_update AFTER UPDATE OF external_id, customer, skus ON orders BEGIN
                    INSERT INTO orders_search(orders_search, rowid, external_id, customer, skus)
                    VALUES ('delete', old.id, old.external_id, old.customer, old.skus);
                    INSERT INTO orders_search(rowid, external_id, customer, skus)
                    VALUES (new.id, new.external_id, new.customer, new.skus);
                END;
                """)
        }
        return migrator
    }
}
