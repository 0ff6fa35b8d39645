import DocketCore
import GRDB

/// What of an order is copied into indexed columns.
struct OrderColumns {
    var customer: String
    var email: String
    var country: String
    var currency: String
    var total: String
    var skus: String
    /// The canonical JSON, as bytes: it goes to SQLite as they are.
    var body: [UInt8]

    init(_ o: Order, canonicalJSON: [UInt8]? = nil) {
        customer = o.customer?.displayName ?? o.billingAddress?.fullName ?? o.shippingAddress?.fullName
            ?? o.billingAddress?.company ?? ""
        email = o.customer?.email ?? o.billingAddress?.email ?? o.shippingAddress?.email ?? o.shipping?.email ?? ""
        country = o.shippingAddress?.country ?? o.customer?.country ?? o.billingAddress?.country ?? ""
        currency = o.currency ?? o.items.lazy.compactMap { $0.totalShippingPrice?.currency }.first ?? ""
        total = o.total.map(DecimalText.format) ?? ""
        // In first-seen order, each once; a set keeps an order of many
        // distinct SKUs linear.
        var codes: [String] = []
        var seen: Set<String> = []
        for item in o.items {
            for code in [item.sku, item.productId, item.ean?.text, item.itemText?.sku] {
                if let code, !code.isEmpty, seen.insert(code).inserted { codes.append(code) }
            }
        }
        skus = codes.joined(separator: " ")
        // A Docket-format order that just decoded to `o` is its own body.
        body = canonicalJSON ?? JSONWriter.data(CanonicalCodec.encode(o))
    }
}

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

extension OrderSort {
    var column: String {
        switch self {
        case .externalId: "external_id"
        case .orderDate: "order_date"
        case .customer: "customer"
        case .status: "status"
        case .updated: "updated_at"
        case .outcome: "last_outcome"
        }
    }
}
