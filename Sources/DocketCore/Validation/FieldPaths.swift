/// Translates a field's path in a dialect's body (`order_lines[0].product.title`)
/// into the canonical path support staff see (`items[0].name`), for local
/// validation and for the field references in a target's refusals.
public struct FieldPaths: Sendable {
    /// Dialect pattern to canonical pattern; `[]` stands for an index, and
    /// the indices carry over in order.
    let map: [String: String]

    public static func of(_ dialect: Dialect) -> FieldPaths {
        switch dialect {
        case .cropster: cropster
        case .centra: centra
        case .mirakl: mirakl
        case .omnia: omnia
        case .dropday: dropday
        }
    }

    /// The canonical path for a path inside one order of this dialect; the
    /// longest known prefix is translated and the rest kept as it is.
    public func canonical(_ dialectPath: String) -> String {
        var indices: [String] = []
        var pattern = ""
        var cut: [(pattern: String, rawEnd: String.Index, indexCount: Int)] = []
        var i = dialectPath.startIndex
        while i < dialectPath.endIndex {
            let c = dialectPath[i]
            if c == "[" {
                let close = dialectPath[i...].firstIndex(of: "]") ?? dialectPath.endIndex
                indices.append(String(dialectPath[dialectPath.index(after: i)..<close]))
                pattern += "[]"
                i = close < dialectPath.endIndex ? dialectPath.index(after: close) : close
            } else {
                pattern.append(c)
                i = dialectPath.index(after: i)
            }
            if i == dialectPath.endIndex || dialectPath[i] == "." || dialectPath[i] == "[" {
                cut.append((pattern, i, indices.count))
            }
        }
        for (prefix, end, count) in cut.reversed() {
            guard let target = map[prefix] else { continue }
            var out = ""
            var used = 0
            var rest = target[...]
            while let r = rest.range(of: "[]") {
                out += rest[..<r.lowerBound]
                out += used < count ? "[\(indices[used])]" : "[]"
                used += 1
                rest = rest[r.upperBound...]
            }
            out += rest
            return out + dialectPath[end...]
        }
        return dialectPath
    }

    static func address(_ from: String, _ to: String, _ names: [(String, String)]) -> [(String, String)] {
        [(from, to)] + names.map { ("\(from).\($0.0)", "\(to).\($0.1)") }
    }

    static let centraAddress = [("country", "country"), ("firstName", "firstName"), ("lastName", "lastName"), ("attn", "attn"),
                                ("address", "street"), ("coaddress", "street2"), ("zipcode", "zip"), ("city", "city"),
                                ("state", "state"), ("email", "email"), ("tele", "phone"), ("cell", "cell")]
    static let miraklAddress = [("additional_info", "additionalInfo"), ("city", "city"), ("company", "company"), ("country", "country"),
                                ("country_iso_code", "countryIso3"), ("first_name", "firstName"), ("last_name", "lastName"),
                                ("phone", "phone"), ("state", "state"), ("street", "street"), ("street_additional_info", "street2"),
                                ("zip_code", "zip")]
    static let dropdayAddress = [("first_name", "firstName"), ("firstname", "firstName"), ("last_name", "lastName"),
                                 ("lastname", "lastName"), ("company_name", "company"), ("address1", "street"),
                                 ("address2", "street2"), ("postcode", "zip"), ("city", "city"), ("state", "state"),
                                 ("country", "country"), ("phone", "phone")]

    static func make(_ pairs: [(String, String)]) -> FieldPaths {
        FieldPaths(map: Dictionary(pairs, uniquingKeysWith: { first, _ in first }))
    }

    static let cropster = make([
        ("externalId", "externalId"), ("orderDate", "orderDate"), ("customer", "customer.name"), ("customerType", "customer.type"),
        ("orderItems", "items"), ("orderItems[]", "items[]"), ("orderItems[].sku", "items[].sku"),
        ("orderItems[].quantity", "items[].quantity"),
    ])

    static let centra = make([("orderNumber", "centra.orderNumber"), ("createOnly", "centra.createOnly"),
              ("pricelist", "centra.pricelist"), ("pricelistId", "centra.pricelistId"), ("market", "centra.market"),
              ("marketId", "centra.marketId"), ("shippingList", "centra.shippingList"), ("sendEmail", "centra.sendEmail"),
              ("adjustStock", "centra.adjustStock"), ("shippingValue", "shippingCost"), ("products", "items"), ("products[]", "items[]"),
              ("products[].qty", "items[].quantity"), ("products[].id", "items[].productId"), ("products[].sku", "items[].sku"),
              ("products[].ean", "items[].ean"),
              ("products[].unitPrice", "items[].unitPrice"), ("products[].originalPrice", "items[].originalPrice"),
              ("products[].itemText", "items[].itemText")]
             + address("invoiceAddress", "billingAddress", centraAddress)
             + address("deliveryAddress", "shippingAddress", centraAddress)
             + address("address", "billingAddress", centraAddress))

    static let mirakl = make([
        ("channel_order_id", "externalId"), ("channel_updated_at", "updatedAt"), ("created_at", "orderDate"),
        ("billing_info", "billingAddress"), ("custom_attributes", "customAttributes"), ("custom_attributes[]", "customAttributes[]"),
        ("fulfillment", "fulfillment"), ("has_incident", "hasIncident"), ("order_lines", "items"), ("order_lines[]", "items[]"),
        ("order_lines[].channel_order_line_id", "items[].lineId"), ("order_lines[].product", "items[]"),
        ("order_lines[].product.id", "items[].productId"), ("order_lines[].product.title", "items[].name"),
        ("order_lines[].product.thumbnail_url", "items[].imageUrl"), ("order_lines[].quantity", "items[].quantity"),
        ("order_lines[].status", "items[].lineStatus"), ("order_lines[].status_reason", "items[].statusReason"),
        ("order_lines[].can_cancel", "items[].canCancel"), ("order_lines[].can_refund", "items[].canRefund"),
        ("order_lines[].total_shipping_price", "items[].totalShippingPrice"), ("order_lines[].updated_at", "items[].updatedAt"),
        ("order_lines[].adjustments", "items[].adjustments"), ("shipping_info", "shipping"),
        ("shipping_info.carrier", "shipping.carrier"), ("shipping_info.method", "shipping.method"),
        ("shipping_info.email", "shipping.email"), ("shipping_info.pudo_id", "shipping.pudoId"),
        ("shipping_info.shipping_deadline", "shipping.deadline"), ("shipping_info.delivery_date", "shipping.deliveryDate"),
        ("origin", "origin"), ("origin.channel_id", "origin.channelId"), ("origin.channel_store_id", "origin.channelStoreId"),
    ] + address("billing_info.address", "billingAddress", miraklAddress)
      + address("shipping_info.address", "shippingAddress", miraklAddress))

    static let omnia = make([
        ("orderId", "externalId"), ("shippingCosts", "shippingCost"), ("totalPrice", "total"), ("origin", "source"),
        ("creationDate", "orderDate"), ("currency", "currency"), ("referrer", "referrer"), ("items", "items"),
        ("items[]", "items[]"), ("items[].itemId", "items[].productId"), ("items[].unitPrice", "items[].unitPrice"),
        ("items[].quantity", "items[].quantity"), ("items[].taxPercentage", "items[].taxPercentage"),
    ])

    static let dropday = make([
        ("external_id", "externalId"), ("source", "source"), ("test", "test"), ("total", "total"),
        ("shipping_cost", "shippingCost"), ("email", "customer.email"), ("shipping", "shipping"), ("shipping.name", "shipping.name"),
        ("shipping.description", "shipping.description"), ("shipping.cost", "shipping.cost"), ("shipping.note", "shipping.note"),
        ("shipping.delivery_date", "shipping.deliveryDay"), ("products", "items"), ("products[]", "items[]"),
        ("products[].external_id", "items[].productId"), ("products[].ean13", "items[].ean"), ("products[].name", "items[].name"),
        ("products[].reference", "items[].sku"), ("products[].quantity", "items[].quantity"),
        ("products[].stock_quantity", "items[].stockQuantity"), ("products[].price", "items[].unitPrice"),
        ("products[].purchase_price", "items[].purchasePrice"),
        ("products[].image_url", "items[].imageUrl"), ("products[].brand", "items[].brand"),
        ("products[].category", "items[].category"), ("products[].supplier", "items[].supplier"),
        ("products[].custom", "items[].custom"),
    ] + address("shipping_address", "shippingAddress", dropdayAddress))

    /// Dropday names fields with dots and bare indices (`products.0.external_id`).
    public static func dottedToBrackets(_ path: String) -> String {
        path.split(separator: ".", omittingEmptySubsequences: false).reduce(into: "") { out, part in
            if !part.isEmpty, part.allSatisfy(\.isNumber), !out.isEmpty { out += "[\(part)]" } else { out += out.isEmpty ? String(part) : ".\(part)" }
        }
    }
}
