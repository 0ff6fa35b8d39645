import DocketCore
import GRDB

extension OrderSummary {
    static let columns = "external_id, status, version, imported_from, order_date, customer, email, country, currency, total, item_count, last_outcome, last_target, updated_at"

    /// The same columns, with the outcome at `target` (bound as the first
    /// argument) in place of the latest at any target: a listing filtered
    /// to one target shows what that target said.
    static func columns(outcomeAt target: String?) -> String {
        guard target != nil else { return columns }
        return columns.replacingOccurrences(of: "last_outcome, last_target", with: """
            coalesce((SELECT ot.outcome FROM order_targets ot WHERE ot.external_id = orders.external_id AND ot.target = ?1), '') AS last_outcome, \
            ?1 AS last_target
            """)
    }

    /// Read by column name, so the select list and this agree by names.
    init(row: Row) {
        let outcome: String = row["last_outcome"]
        let target: String = row["last_target"]
        self.init(
            externalId: row["external_id"], status: OrderStatus(rawValue: row["status"]) ?? .open, version: row["version"],
            importedFrom: (row["imported_from"] as String?).flatMap(Dialect.init(rawValue:)), orderDate: row["order_date"],
            customer: row["customer"], email: row["email"], country: row["country"], currency: row["currency"], total: row["total"],
            itemCount: row["item_count"], lastOutcome: outcome.isEmpty ? nil : outcome, lastTarget: target.isEmpty ? nil : target,
            updatedAt: row["updated_at"])
    }
}
