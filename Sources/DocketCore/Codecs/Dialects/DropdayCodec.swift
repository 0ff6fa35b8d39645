/// Dropday Create an order: one order object per request. A file may hold
/// one order or a list of them.
public struct DropdayCodec: DialectCodec {
    public var dialect: Dialect { .dropday }
    public init() {}

    public func decodeRequest(_ body: JSONValue) throws(DocketError) -> [Order] {
        switch body {
        case .object: return [try decodeOrder(body, path: "$")]
        case .array(let list):
            var orders: [Order] = []
            for (i, element) in list.enumerated() { orders.append(try decodeOrder(element, path: "$[\(i)]")) }
            return orders
        default:
            throw DocketError("a Dropday body is an order object (or a list of them), but this file holds \(body.kindName)", jsonPath: "$")
        }
    }

    public func decodeOrder(_ value: JSONValue, path: String) throws(DocketError) -> Order {
        let unknown = UnknownFields()
        var r = try FieldReader(value, path: path, relPath: "", unknown: unknown)
        var order = Order(externalId: try requireId(try r.string("external_id"), field: "external_id", path: path))
        order.importedFrom = .dropday
        order.source = try r.string("source")
        order.test = try r.bool("test")
        order.total = try r.decimal("total")
        order.shippingCost = try r.decimal("shipping_cost")
        order.shipping = try r.object("shipping") { (s) throws(DocketError) in
            var info = ShippingInfo()
            info.name = try s.string("name")
            info.description = try s.string("description")
            info.cost = try s.decimal("cost")
            info.note = try s.string("note")
            info.deliveryDay = try s.string("delivery_date")
            return info
        }
        if let email = try r.string("email") {
            var c = Customer()
            c.email = email
            order.customer = c
        }
        order.shippingAddress = try r.object("shipping_address") { (a) throws(DocketError) in
            var address = Address()
            address.firstName = try a.string("first_name")
            address.lastName = try a.string("last_name")
            address.company = try a.string("company_name")
            address.street = try a.string("address1")
            address.street2 = try a.string("address2")
            address.zip = try a.string("postcode")
            address.city = try a.string("city")
            address.state = try a.string("state")
            address.country = try a.string("country")
            address.phone = try a.flex("phone")
            return address
        }
        order.items = try r.objects("products") { (p, _) throws(DocketError) in
            var item = OrderItem()
            item.productId = try p.string("external_id")
            item.ean = try p.flex("ean13")
            item.name = try p.string("name")
            item.sku = try p.string("reference")
            item.quantity = try p.decimal("quantity")
            item.stockQuantity = try p.decimal("stock_quantity")
            item.unitPrice = try p.decimal("price")
            item.purchasePrice = try p.decimal("purchase_price")
            item.imageUrl = try p.string("image_url")
            item.brand = try p.string("brand")
            item.category = try p.string("category")
            item.supplier = try p.string("supplier")
            item.custom = try p.rawObject("custom")
            return item
        } ?? []
        r.finish()
        order.unknownFields = unknown.byPath
        return order
    }

    /// One order makes an object, several a list.
    public func encodeRequest(_ orders: [Order], options: EncodeOptions) throws(DocketError) -> JSONValue {
        let bodies = orders.map { encodeOrder($0, options: options) }
        return bodies.count == 1 ? bodies[0] : .array(bodies)
    }

    public func encodeRequest(one order: Order, options: EncodeOptions) -> JSONValue {
        encodeOrder(order, options: options)
    }

    public func encodeOrder(_ o: Order, options: EncodeOptions) -> JSONValue {
        let e = EncodingOrder(o, dialect: .dropday, options: options)
        var w = FieldWriter()
        w.set("external_id", o.externalId)
        w.set("source", e.pick(o.source, o.origin?.channelStoreId))
        // The target's test switch makes every order a test order; it never
        // turns an order imported as a test into a live one.
        w.set("test", options.dropdayTest == true ? true : o.test)
        w.set("total", o.total)
        // Both forms of the cost when filling (the vendor's own example sends
        // both); a faithful body keeps the form it came in.
        w.set("shipping_cost", e.fill ? o.shippingDue : o.shippingCost)
        if let s = o.shipping, e.fill || s.name != nil || s.description != nil || s.cost != nil || s.note != nil || s.deliveryDay != nil {
            var sw = FieldWriter()
            sw.set("name", e.pick(s.name, s.carrier))
            sw.set("description", e.pick(s.description, s.method))
            sw.set("cost", e.fill ? o.shippingDue : s.cost)
            sw.set("note", s.note)
            sw.set("delivery_date", s.deliveryDay)
            sw.merge(e.unknown("shipping"))
            if !sw.members.isEmpty { w.set("shipping", sw) }
        } else if e.fill, let cost = o.shippingDue {
            var sw = FieldWriter()
            sw.set("cost", cost)
            w.set("shipping", sw)
        }
        w.set("email", e.pick(o.customer?.email, o.shippingAddress?.email ?? o.billingAddress?.email ?? o.shipping?.email))
        if let a = e.pick(o.shippingAddress, o.billingAddress) {
            var s = FieldWriter()
            s.set("first_name", e.pick(a.firstName, o.customer?.firstName))
            s.set("last_name", e.pick(a.lastName, o.customer?.lastName))
            s.set("company_name", a.company)
            s.set("address1", a.street)
            s.set("address2", a.street2)
            s.set("postcode", a.zip)
            s.set("city", a.city)
            s.set("state", a.state)
            s.set("country", a.country)
            s.set("phone", a.phone)
            s.merge(e.unknown("shipping_address"))
            w.set("shipping_address", s)
        }
        w.set("products", e.lines { (i, item) in
            var p = FieldWriter()
            p.set("external_id", e.pick(item.productId, item.sku))
            p.set("ean13", item.ean)
            p.set("name", e.pick(item.name, item.itemText?.product ?? item.sku))
            p.set("reference", item.sku)
            p.set("quantity", item.quantity)
            p.set("stock_quantity", item.stockQuantity)
            p.set("price", item.unitPrice)
            p.set("purchase_price", item.purchasePrice)
            p.set("image_url", item.imageUrl)
            p.set("brand", item.brand)
            p.set("category", item.category)
            p.set("supplier", item.supplier)
            p.set("custom", item.custom)
            p.merge(e.unknown("products[\(i)]"))
            return p
        })
        w.merge(e.unknown(""))
        return w.value
    }
}
