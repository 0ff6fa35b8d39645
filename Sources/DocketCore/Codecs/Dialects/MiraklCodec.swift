/// Mirakl Connect upsertOrders: `{"orders":[...], "origin":{channel_id,
/// channel_store_id}}`. The origin belongs to the request; Docket keeps it on
/// every order and sends orders of different origins in different requests.
public struct MiraklCodec: DialectCodec {
    public var dialect: Dialect { .mirakl }
    public init() {}

    public func decodeRequest(_ body: JSONValue) throws(DocketError) -> [Order] {
        try decodeOrderList(body, key: "orders", idField: "channel_order_id", dialect: .mirakl, request: { (top) throws(DocketError) in
            try top.object("origin") { (o) throws(DocketError) in
                Origin(channelId: try o.string("channel_id"), channelStoreId: try o.string("channel_store_id"))
            }
        }) {
            (r: inout FieldReader, order: inout Order, origin: Origin?) throws(DocketError) in
            order.origin = origin
            order.updatedAt = try r.string("channel_updated_at")
            order.orderDate = try r.string("created_at")
            order.billingAddress = try r.object("billing_info") { (b) throws(DocketError) in
                try b.object("address", readAddress)
            } ?? nil
            order.shipping = try r.object("shipping_info") { (s) throws(DocketError) in
                var info = ShippingInfo()
                info.carrier = try s.string("carrier")
                info.method = try s.string("method")
                info.email = try s.string("email")
                info.pudoId = try s.string("pudo_id")
                info.deadline = try s.string("shipping_deadline")
                info.deliveryDate = try s.object("delivery_date") { (d) throws(DocketError) in
                    var date = DeliveryDate()
                    date.earliest = try d.string("earliest")
                    date.latest = try d.string("latest")
                    return date
                }
                order.shippingAddress = try s.object("address", readAddress)
                return info
            }
            order.customAttributes = try r.objects("custom_attributes") { (a, _) throws(DocketError) in
                var attribute = CustomAttribute()
                attribute.id = try a.string("id")
                attribute.type = try a.string("type")
                attribute.value = a.raw("value")
                return attribute
            }
            order.fulfillment = try r.object("fulfillment") { (f) throws(DocketError) in
                var fulfillment = Fulfillment()
                fulfillment.code = try f.string("code")
                fulfillment.type = try f.string("type")
                return fulfillment
            }
            order.hasIncident = try r.bool("has_incident")
            order.items = try r.objects("order_lines") { (l, _) throws(DocketError) in
                var item = OrderItem()
                item.lineId = try l.string("channel_order_line_id")
                _ = try l.object("product") { (p) throws(DocketError) in
                    item.productId = try p.string("id")
                    item.name = try p.string("title")
                    item.imageUrl = try p.string("thumbnail_url")
                }
                item.quantity = try l.decimal("quantity")
                item.lineStatus = try l.string("status")
                item.statusReason = try l.string("status_reason")
                item.canCancel = try l.bool("can_cancel")
                item.canRefund = try l.bool("can_refund")
                item.totalShippingPrice = try l.object("total_shipping_price", readMoney)
                item.updatedAt = try l.string("updated_at")
                item.adjustments = try l.rawArray("adjustments")
                return item
            } ?? []
        }
    }

    func readAddress(_ a: inout FieldReader) throws(DocketError) -> Address {
        var address = Address()
        address.additionalInfo = try a.string("additional_info")
        address.city = try a.string("city")
        address.company = try a.string("company")
        address.country = try a.string("country")
        address.countryIso3 = try a.string("country_iso_code")
        address.firstName = try a.string("first_name")
        address.lastName = try a.string("last_name")
        address.phone = try a.flex("phone")
        address.state = try a.string("state")
        address.street = try a.string("street")
        address.street2 = try a.string("street_additional_info")
        address.zip = try a.string("zip_code")
        return address
    }

    func writeAddress(_ a: Address, unknown: JSONObject?) -> FieldWriter {
        var w = FieldWriter()
        w.set("additional_info", a.additionalInfo)
        w.set("city", a.city)
        w.set("company", a.company)
        w.set("country", a.country)
        w.set("country_iso_code", a.countryIso3)
        w.set("first_name", a.firstName)
        w.set("last_name", a.lastName)
        w.set("phone", a.phone)
        w.set("state", a.state)
        w.set("street", a.street)
        w.set("street_additional_info", a.street2)
        w.set("zip_code", a.zip)
        w.merge(unknown)
        return w
    }

    func readMoney(_ m: inout FieldReader) throws(DocketError) -> Money {
        Money(amount: try m.decimal("amount"), currency: try m.string("currency"))
    }

    func writeMoney(_ m: Money, unknown: JSONObject?) -> FieldWriter {
        var w = FieldWriter()
        w.set("amount", m.amount)
        w.set("currency", m.currency)
        w.merge(unknown)
        return w
    }

    public func encodeRequest(_ orders: [Order], options: EncodeOptions) throws(DocketError) -> JSONValue {
        let origin = (orders.isEmpty ? nil : orders[0].origin) ?? options.defaultOrigin
        if orders.contains(where: { ($0.origin ?? options.defaultOrigin) != origin }) {
            let origins = Set(orders.map { $0.origin ?? options.defaultOrigin })
            throw DocketError("these orders come from \(origins.count) different Mirakl origins (channel_id, channel_store_id); one request carries one origin, so send or export them separately")
        }
        return body(orders.map { encode($0, EncodingOrder($0, dialect: .mirakl, options: options)) }, origin: origin,
                    first: orders.isEmpty ? nil : EncodingOrder(orders[0], dialect: .mirakl, options: options))
    }

    public func encodeRequest(one order: Order, options: EncodeOptions) -> JSONValue {
        let e = EncodingOrder(order, dialect: .mirakl, options: options)
        return body([encode(order, e)], origin: order.origin ?? options.defaultOrigin, first: e)
    }

    /// The request around its orders: their one origin, and members beside
    /// the list back from the first order.
    private func body(_ orders: [FieldWriter], origin: Origin?, first: EncodingOrder?) -> JSONValue {
        var body = FieldWriter()
        body.set("orders", orders)
        if let origin {
            var o = FieldWriter()
            o.set("channel_id", origin.channelId)
            o.set("channel_store_id", origin.channelStoreId)
            o.merge(first?.unknown(requestUnknownKey + ".origin"))
            body.set("origin", o)
        }
        body.merge(first?.unknown(requestUnknownKey))
        return body.value
    }

    func encode(_ o: Order, _ e: EncodingOrder) -> FieldWriter {
        var w = FieldWriter()
        if let a = o.billingAddress {
            var info = FieldWriter()
            info.set("address", writeAddress(a, unknown: e.unknown("billing_info.address")))
            info.merge(e.unknown("billing_info"))
            w.set("billing_info", info)
        } else if let info = e.unknown("billing_info") {
            w.set("billing_info", info)
        }
        w.set("channel_order_id", o.externalId)
        w.set("channel_updated_at", e.pick(o.updatedAt, o.orderDate))
        w.set("created_at", o.orderDate)
        w.set("custom_attributes", o.customAttributes.map { list in
            list.enumerated().map { (i, a) in
                var attribute = FieldWriter()
                attribute.set("id", a.id)
                attribute.set("type", a.type)
                attribute.set("value", a.value)
                attribute.merge(e.unknown("custom_attributes[\(i)]"))
                return attribute
            }
        })
        if let f = o.fulfillment {
            var fulfillment = FieldWriter()
            fulfillment.set("code", f.code)
            fulfillment.set("type", f.type)
            fulfillment.merge(e.unknown("fulfillment"))
            w.set("fulfillment", fulfillment)
        }
        w.set("has_incident", o.hasIncident)
        w.set("order_lines", e.lines { (i, item) in
            let rel = "order_lines[\(i)]"
            var line = FieldWriter()
            line.set("channel_order_line_id", item.lineId)
            var product = FieldWriter()
            product.set("id", e.pick(item.productId, item.sku))
            product.set("title", e.pick(item.name, item.itemText?.product))
            product.set("thumbnail_url", item.imageUrl)
            product.merge(e.unknown(rel + ".product"))
            if !product.isEmpty { line.set("product", product) }
            line.set("quantity", item.quantity)
            line.set("status", item.lineStatus)
            line.set("status_reason", item.statusReason)
            line.set("can_cancel", item.canCancel)
            line.set("can_refund", item.canRefund)
            if let m = item.totalShippingPrice {
                line.set("total_shipping_price", writeMoney(m, unknown: e.unknown(rel + ".total_shipping_price")))
            }
            line.set("updated_at", e.pick(item.updatedAt, o.updatedAt))
            line.set("adjustments", item.adjustments.map { JSONValue.array($0) })
            line.merge(e.unknown(rel))
            return line
        })
        if o.shipping != nil || o.shippingAddress != nil || e.unknown("shipping_info") != nil {
            let s = o.shipping ?? ShippingInfo()
            var info = FieldWriter()
            info.set("carrier", s.carrier)
            if let d = s.deliveryDate {
                var date = FieldWriter()
                date.set("earliest", d.earliest)
                date.set("latest", d.latest)
                date.merge(e.unknown("shipping_info.delivery_date"))
                info.set("delivery_date", date)
            }
            info.set("email", e.pick(s.email, o.customer?.email))
            info.set("method", s.method)
            info.set("pudo_id", s.pudoId)
            info.set("shipping_deadline", s.deadline)
            if let a = o.shippingAddress { info.set("address", writeAddress(a, unknown: e.unknown("shipping_info.address"))) }
            info.merge(e.unknown("shipping_info"))
            w.set("shipping_info", info)
        }
        w.merge(e.unknown(""))
        return w
    }
}
