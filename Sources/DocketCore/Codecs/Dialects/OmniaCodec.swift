/// Omnia Retail PUT orders in bulk: `{"version":"3","orders":[...]}`.
public struct OmniaCodec: OrderListCodec {
    public var dialect: Dialect { .omnia }
    public init() {}

    public func decodeRequest(_ body: JSONValue) throws(DocketError) -> [Order] {
        // `version` is left unread so that it travels with the request and
        // goes back as it came; encoding writes "3" when there is none.
        try decodeOrderList(body, key: "orders", idField: "orderId", dialect: .omnia, request: { _ in }) {
            (r: inout FieldReader, order: inout Order, _: Void) throws(DocketError) in
            order.shippingCost = try r.decimal("shippingCosts")
            order.total = try r.decimal("totalPrice")
            order.source = try r.string("origin")
            order.orderDate = try r.string("creationDate")
            order.currency = try r.string("currency")
            order.referrer = try r.string("referrer")
            order.items = try r.objects("items") { (it, _) throws(DocketError) in
                var item = OrderItem()
                item.productId = try it.string("itemId")
                item.unitPrice = try it.decimal("unitPrice")
                item.quantity = try it.decimal("quantity")
                item.taxPercentage = try it.decimal("taxPercentage")
                return item
            } ?? []
        }
    }

    func body(_ orders: [FieldWriter], first: EncodingOrder?) -> JSONValue {
        var body = FieldWriter()
        if first?.unknown(requestUnknownKey)?["version"] == nil { body.set("version", "3") }
        body.set("orders", orders)
        body.merge(first?.unknown(requestUnknownKey))
        return body.value
    }

    func encode(_ o: Order, _ e: EncodingOrder) -> FieldWriter {
        var w = FieldWriter()
        w.set("orderId", o.externalId)
        w.set("shippingCosts", e.fill ? o.shippingDue : o.shippingCost)
        w.set("totalPrice", o.total)
        w.set("origin", e.pick(o.source, o.origin?.channelStoreId))
        w.set("creationDate", o.orderDate)
        w.set("currency", e.pick(o.currency, o.items.lazy.compactMap { $0.totalShippingPrice?.currency }.first))
        w.set("referrer", o.referrer)
        w.set("items", e.lines { (i, item) in
            var it = FieldWriter()
            it.set("itemId", e.pick(item.productId, item.sku))
            it.set("unitPrice", item.unitPrice)
            it.set("quantity", item.quantity)
            it.set("taxPercentage", item.taxPercentage)
            it.merge(e.unknown("items[\(i)]"))
            return it
        })
        w.merge(e.unknown(""))
        return w
    }
}
