/// What of an order is copied into indexed columns.
public struct OrderColumns: Sendable {
    public var customer: String
    public var email: String
    public var country: String
    public var currency: String
    public var total: String
    public var skus: String
    /// The canonical JSON, as bytes: it goes to SQLite as they are.
    public var body: [UInt8]

    public init(_ o: Order, canonicalJSON: [UInt8]? = nil) {
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

