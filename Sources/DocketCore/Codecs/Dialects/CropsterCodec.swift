/// Cropster Set Orders: `{"data":[{externalId, orderDate, customer,
/// customerType, orderItems:[{sku, quantity}]}]}`.
public struct CropsterCodec: OrderListCodec {
    public var dialect: Dialect { .cropster }
    public init() {}

    public func decodeRequest(_ body: JSONValue) throws(DocketError) -> [Order] {
        try decodeOrderList(body, key: "data", idField: "externalId", dialect: .cropster, request: { _ in }) {
            (r: inout FieldReader, order: inout Order, _: Void) throws(DocketError) in
            order.orderDate = try r.string("orderDate")
            let name = try r.string("customer")
            let type = try r.string("customerType")
            if name != nil || type != nil {
                var c = Customer()
                c.name = name
                c.type = type
                order.customer = c
            }
            order.items = try r.objects("orderItems") { (item, _) throws(DocketError) in
                var line = OrderItem()
                line.sku = try item.string("sku")
                line.quantity = try item.decimal("quantity")
                return line
            } ?? []
        }
    }

    func body(_ data: [FieldWriter], first: EncodingOrder?) -> JSONValue {
        var body = FieldWriter()
        body.set("data", data)
        body.merge(first?.unknown(requestUnknownKey))
        return body.value
    }

    public func conversions(_ order: Order, options: EncodeOptions) -> [OrderIssue] {
        guard let date = order.orderDate, let utc = UTCTimestamp.normalized(date), utc != date else { return [] }
        return [.converted("orderDate", "orderDate \(date) goes to Cropster as \(utc) (UTC, whole seconds)")]
    }

    func encode(_ o: Order, _ e: EncodingOrder) -> FieldWriter {
        var w = FieldWriter()
        w.set("externalId", o.externalId)
        // Cropster takes only UTC whole seconds; a date with an offset or
        // fractions is moved there rather than refused.
        w.set("orderDate", e.fill ? o.orderDate.map { UTCTimestamp.normalized($0) ?? $0 } : o.orderDate)
        w.set("customer", e.pick(o.customer?.name, o.customer?.displayName ?? o.billingAddress?.company
                                                     ?? o.billingAddress?.fullName ?? o.shippingAddress?.fullName))
        w.set("customerType", o.customer?.type)
        w.set("orderItems", e.lines { (i, item) in
            var line = FieldWriter()
            line.set("sku", e.pick(item.sku, item.productId ?? item.itemText?.sku))
            line.set("quantity", item.quantity)
            line.merge(e.unknown("orderItems[\(i)]"))
            return line
        })
        w.merge(e.unknown(""))
        return w
    }
}
