import DocketCore
import Foundation
import GRDB
import GRDBSQLite

/// Saving an edit at the version it was made on, and the history of
/// saved versions.
extension SQLiteOrderStore {
    public func history(of externalId: String) throws -> [OrderChange] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT version, at, store_user, os_user, source, changes FROM order_versions WHERE external_id = ? ORDER BY version
                """, arguments: [externalId]).map { r in
                OrderChange(version: r["version"], at: r["at"], storeUser: r["store_user"], osUser: r["os_user"], source: r["source"],
                            fields: OrderChange.decode(r["changes"]))
            }
        }
    }

    public func save(_ order: Order, expectedVersion: Int, source: String) throws -> StoredOrder {
        try write { db in
            guard let current = try Row.fetchOne(db, sql: "SELECT version, status, body FROM orders WHERE external_id = ?",
                                                 arguments: [order.externalId]) else {
                throw DocketError("there is no order \(order.externalId) in the store", order: order.externalId)
            }
            let version: Int = current[0]
            let status: String = current[1]
            guard status == OrderStatus.open.rawValue else {
                throw DocketError("order \(order.externalId) is \(status); only OPEN orders can be edited", order: order.externalId)
            }
            guard version == expectedVersion else {
                throw DocketError("order \(order.externalId) was changed by someone else (now version \(version), you edited version \(expectedVersion)); reload it and apply your change again", order: order.externalId)
            }
            let c = OrderColumns(order)
            let now = Self.now()
            try db.execute(sql: """
                INSERT INTO orders_search(orders_search, rowid, external_id, customer, skus)
                    SELECT 'delete', id, external_id, customer, skus FROM orders WHERE external_id = ?
                """, arguments: [order.externalId])
            try db.execute(sql: """
                UPDATE orders SET status = ?, version = version + 1, imported_from = ?, order_date = ?, customer = ?,
                    email = ?, country = ?, currency = ?, total = ?, item_count = ?, skus = ?, updated_at = ?, body = ?
                WHERE external_id = ?
                """, arguments: [order.status.rawValue, order.importedFrom?.rawValue, order.orderDate ?? "", c.customer,
                                 c.email, c.country, c.currency, c.total, order.items.count, c.skus, now,
                                 String(decoding: c.body, as: UTF8.self), order.externalId])
            try db.execute(sql: """
                INSERT INTO orders_search(rowid, external_id, customer, skus)
                    SELECT id, external_id, customer, skus FROM orders WHERE external_id = ?
                """, arguments: [order.externalId])
            let row = try Row.fetchOne(db, sql: "SELECT \(Self.storedColumns) FROM orders WHERE external_id = ?", arguments: [order.externalId])!
            let saved = try Self.stored(row)
            let before = (try? CanonicalCodec.decode(try JSONParser.parse(Array((current[2] as String).utf8)))) ?? order
            let user = OrderChange.currentOSUser
            try db.execute(sql: """
                INSERT OR REPLACE INTO order_versions (external_id, version, at, store_user, os_user, source, changes)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [order.externalId, saved.version, now, user, user, source,
                                 OrderChange.encode(OrderFields.diff(from: before, to: saved.order))])
            return saved
        }
    }
}
