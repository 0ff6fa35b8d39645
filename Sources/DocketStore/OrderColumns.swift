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
            coalesce((SELECT ot.outcome FROM order_targets ot WHERE ot.external_id = orders.external_id AND ot.target = ?1), ''), ?1
            """)
    }

    init(row: Row) {
        let outcome: String = row[11]
        let target: String = row[12]
        self.init(
            externalId: row[0], status: OrderStatus(rawValue: row[1]) ?? .open, version: row[2],
            importedFrom: (row[3] as String?).flatMap(Dialect.init(rawValue:)), orderDate: row[4], customer: row[5],
            email: row[6], country: row[7], currency: row[8], total: row[9], itemCount: row[10],
            lastOutcome: outcome.isEmpty ? nil : outcome, lastTarget: target.isEmpty ? nil : target, updatedAt: row[13])
    }
}
