/// Every rule the five API documents (and TARGETS.md) state about one order,
/// checked on the order's JSON as it would be sent.
enum DialectRules {
    static func check(_ dialect: Dialect, order o: JSONObject, request: JSONObject?, _ c: inout RuleChecker) {
        switch dialect {
        case .cropster: cropster(o, &c)
        case .centra: centra(o, &c)
        case .mirakl: mirakl(o, request: request, &c)
        case .omnia: omnia(o, request: request, &c)
        case .dropday: dropday(o, &c)
        }
    }

    static func cropster(_ o: JSONObject, _ c: inout RuleChecker) {
        c.text(o, "externalId", at: "", required: true)
        c.text(o, "orderDate", at: "", required: true, format: .utcTimestamp)
        c.text(o, "customer", at: "")
        c.text(o, "customerType", at: "", oneOf: ["RETAIL", "WHOLESALE"])
        for (item, path) in c.list(o, "orderItems", at: "", required: true, nonEmpty: true) {
            c.text(item, "sku", at: path, required: true)
            c.number(item, "quantity", at: path, required: true, .positiveInteger)
        }
    }

    // The key lists are kept here rather than written in the loops: a list
    // written in a function is built again for every order checked.
    static let centraAddressKeys = ["firstName", "lastName", "attn", "address", "coaddress", "zipcode", "city", "state"]
    static let centraPhoneKeys = ["tele", "cell"]
    static let centraFlags = ["createOnly", "sendEmail", "adjustStock"]

    /// Centra's Create Order (its fuller reference, TARGETS.md): email and
    /// country live in the addresses; the invoice address (or `address`,
    /// when both are the same) needs the email, each address its country.
    static func centra(_ o: JSONObject, _ c: inout RuleChecker) {
        c.number(o, "orderNumber", at: "", .positiveInteger)
        let single = c.object(o, "address", at: "")
        let invoice = c.object(o, "invoiceAddress", at: "")
        if single == nil && invoice == nil && o["accountId"] == nil {
            c.add("invoiceAddress", "required", "is required, or address when invoice and delivery are the same (B2B orders give accountId instead)")
        }
        func address(_ a: JSONObject?, _ key: String) {
            guard let a else { return }
            c.text(a, "email", at: key, required: key != "deliveryAddress", format: .email)
            c.text(a, "country", at: key, required: true, format: .alpha2)
            for k in centraAddressKeys { c.text(a, k, at: key) }
            for k in centraPhoneKeys where a[k]?.stringValue == nil { c.number(a, k, at: key) }
        }
        address(single, "address")
        address(invoice, "invoiceAddress")
        address(c.object(o, "deliveryAddress", at: ""), "deliveryAddress")
        for key in centraFlags { c.bool(o, key, at: "") }
        c.number(o, "shippingValue", at: "", .nonNegative)
        for (p, path) in c.list(o, "products", at: "", required: true, nonEmpty: true) {
            c.number(p, "qty", at: path, required: true, .positiveInteger)
            if p?["id"] == nil && p?["sku"] == nil && p?["ean"] == nil {
                c.add(path + ".sku", "required", "needs a product: its size id, ean or sku")
            }
            c.number(p, "id", at: path, .positiveInteger)
            c.text(p, "sku", at: path)
            c.number(p, "unitPrice", at: path, .nonNegative)
            c.number(p, "originalPrice", at: path, .nonNegative)
        }
    }

    static let lineStatuses = ["AWAITING_ACCEPTANCE", "AWAITING_FRAUD_CHECK", "AWAITING_PAYMENT", "AWAITING_SHIPMENT",
                               "CHANNEL_SPECIFIC", "CLOSED", "DELIVERED", "SHIPPED"]
    static let statusReasons = ["ACCEPTANCE_TIMEOUT", "AUTOMATICALLY_CLOSED", "CANCELED", "FRAUD_CHECK_FAILED",
                                "FRAUD_CHECK_TIMEOUT", "PAYMENT_TIMEOUT", "REFUNDED", "REFUSED", "REFUSED_PAYMENT"]
    static let adjustmentReasons = ["CUSTOMER_CANCELATION", "OUT_OF_STOCK", "RETURN", "ITEM_NOT_RECEIVED", "AGREEMENT",
                                    "DEFECT", "UNABLE_TO_DELIVER", "CHANNEL_SPECIFIC"]

    static let miraklAddressKeys = ["city", "last_name", "street"]
    static let miraklAttributeTypes = ["STRING", "NUMERIC", "BOOLEAN", "DATE", "LIST"]
    static let miraklFulfillmentTypes = ["FULFILLED_BY_SELLER", "FULFILLED_BY_PARTNER"]

    static func mirakl(_ o: JSONObject, request: JSONObject?, _ c: inout RuleChecker) {
        c.text(o, "channel_order_id", at: "", required: true)
        c.text(o, "channel_updated_at", at: "", required: true, format: .iso8601)
        c.text(o, "created_at", at: "", required: true, format: .iso8601)
        c.bool(o, "has_incident", at: "")
        if let info = c.object(o, "billing_info", at: ""), let a = c.object(info, "address", at: "billing_info") {
            let path = "billing_info.address"
            for key in miraklAddressKeys { c.text(a, key, at: path, required: true) }
            c.text(a, "country_iso_code", at: path, format: .alpha3)
        }
        for (a, path) in c.list(o, "custom_attributes", at: "") {
            c.text(a, "id", at: path, required: true)
            c.text(a, "type", at: path, required: true, oneOf: miraklAttributeTypes)
        }
        if let f = c.object(o, "fulfillment", at: "", required: true) {
            c.text(f, "type", at: "fulfillment", required: true, oneOf: miraklFulfillmentTypes)
            c.text(f, "code", at: "fulfillment")
        }
        for (line, path) in c.list(o, "order_lines", at: "", required: true, nonEmpty: true) {
            c.text(line, "channel_order_line_id", at: path, required: true)
            if let product = c.object(line, "product", at: path, required: true) {
                c.text(product, "id", at: path + ".product", required: true)
                c.text(product, "title", at: path + ".product", required: true)
            }
            c.number(line, "quantity", at: path, .positiveInteger)
            c.text(line, "status", at: path, required: true, oneOf: lineStatuses)
            c.text(line, "status_reason", at: path, oneOf: statusReasons)
            c.bool(line, "can_cancel", at: path, required: true)
            c.bool(line, "can_refund", at: path, required: true)
            c.money(line, "total_shipping_price", at: path, required: true)
            c.text(line, "updated_at", at: path, required: true, format: .iso8601)
            for (adj, apath) in c.list(line, "adjustments", at: path) {
                c.text(adj, "channel_adjustment_id", at: apath, required: true)
                c.money(adj, "price", at: apath, required: true)
                c.number(adj, "quantity", at: apath, required: true, .integer)
                c.text(adj, "reason", at: apath, required: true, oneOf: adjustmentReasons)
                c.money(adj, "shipping_price", at: apath, required: true)
            }
        }
        if let s = c.object(o, "shipping_info", at: "", required: true), let d = c.object(s, "delivery_date", at: "shipping_info") {
            c.text(d, "earliest", at: "shipping_info.delivery_date", required: true, format: .iso8601)
            c.text(d, "latest", at: "shipping_info.delivery_date", required: true, format: .iso8601)
        }
        if let origin = c.object(request, "origin", at: "", required: true) {
            c.text(origin, "channel_id", at: "origin", required: true)
            c.text(origin, "channel_store_id", at: "origin", required: true)
        }
    }

    static let omniaRequestKeys = ["version", "orders"]
    static let omniaOrderKeys = ["orderId", "shippingCosts", "origin", "creationDate", "items", "totalPrice", "currency", "referrer"]
    static let omniaItemKeys = ["itemId", "unitPrice", "quantity", "taxPercentage"]

    /// Omnia's published OpenAPI (`putOrdersV3`) allows no other members on
    /// the request, an order or an item.
    static func omnia(_ o: JSONObject, request: JSONObject?, _ c: inout RuleChecker) {
        c.only(o, omniaOrderKeys, at: "")
        c.text(o, "orderId", at: "", required: true)
        c.number(o, "shippingCosts", at: "", required: true, .nonNegative)
        c.number(o, "totalPrice", at: "", required: true, .nonNegative)
        c.text(o, "origin", at: "", required: true)
        c.text(o, "creationDate", at: "", required: true, format: .dateTime)
        c.text(o, "currency", at: "", required: true, format: .currency)
        c.text(o, "referrer", at: "")
        for (item, path) in c.list(o, "items", at: "", required: true, nonEmpty: true) {
            c.only(item, omniaItemKeys, at: path)
            c.text(item, "itemId", at: path, required: true)
            c.number(item, "unitPrice", at: path, required: true, .nonNegative)
            c.number(item, "quantity", at: path, required: true, .positiveInteger)
            c.number(item, "taxPercentage", at: path, .nonNegative)
        }
    }

    /// The request around Omnia's orders: `version` "3" and nothing else.
    static func omniaRequest(_ request: JSONObject, _ c: inout RuleChecker) {
        c.only(request, omniaRequestKeys, at: "")
    }

    static let dropdayShippingKeys = ["name", "description", "note"]
    static let dropdayAddressKeys = ["first_name", "last_name", "address1", "postcode", "city", "country"]
    static let dropdayOptionalAddressKeys = ["company_name", "address2", "state"]

    static func dropday(_ o: JSONObject, _ c: inout RuleChecker) {
        c.text(o, "external_id", at: "", required: true)
        c.text(o, "source", at: "", required: true)
        c.bool(o, "test", at: "")
        c.number(o, "total", at: "", required: true, .nonNegative)
        // The cost goes as shipping_cost or in the newer shipping object;
        // neither is required on its own.
        c.number(o, "shipping_cost", at: "", .nonNegative)
        if let shipping = c.object(o, "shipping", at: "") {
            for key in dropdayShippingKeys { c.text(shipping, key, at: "shipping") }
            c.number(shipping, "cost", at: "shipping", .nonNegative)
            c.text(shipping, "delivery_date", at: "shipping", format: .dayMonthYear)
        }
        if let email = o["email"]?.stringValue, !email.isEmpty { c.text(o, "email", at: "", format: .email) }
        if let a = c.object(o, "shipping_address", at: "", required: true) {
            for key in dropdayAddressKeys {
                c.text(a, key, at: "shipping_address", required: true)
            }
            for key in dropdayOptionalAddressKeys { c.text(a, key, at: "shipping_address") }
        }
        for (p, path) in c.list(o, "products", at: "", required: true, nonEmpty: true) {
            c.text(p, "external_id", at: path, required: true)
            c.text(p, "name", at: path, required: true)
            c.number(p, "quantity", at: path, required: true, .positiveInteger)
            c.number(p, "price", at: path, required: true, .nonNegative)
            c.number(p, "purchase_price", at: path, .nonNegative)
            c.number(p, "stock_quantity", at: path, .integer)
            if case .string? = p?["ean13"] { c.text(p, "ean13", at: path, format: .digits) }
        }
    }
}
