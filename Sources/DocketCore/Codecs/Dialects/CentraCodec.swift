/// Centra Batch Create Orders: an object whose member names are the
/// client's own, each holding a Create Order object.
public struct CentraCodec: DialectCodec {
    public var dialect: Dialect { .centra }
    public var orderNumberField: String
    public init(orderNumberField: String = "orderId") { self.orderNumberField = orderNumberField }

    public func decodeRequest(_ body: JSONValue) throws(DocketError) -> [Order] {
        guard case .object(let keyed) = body else {
            throw DocketError("a Centra batch body is an object of named orders ({\"x123\": {...}}), but this file holds \(body.kindName)", jsonPath: "$")
        }
        var orders: [Order] = []
        orders.reserveCapacity(keyed.count)
        for member in keyed {
            orders.append(try decodeOrder(member.value, key: member.key))
        }
        return orders
    }

    func decodeOrder(_ value: JSONValue, key: String) throws(DocketError) -> Order {
        let unknown = UnknownFields()
        var r = try FieldReader(value, path: "$[\(quoted(key))]", relPath: "", unknown: unknown)
        // Centra's orderNumber is an integer; older bodies sent it as text.
        let number = try r.flex(orderNumberField).map { flex -> String in
            switch flex {
            case .text(let t): t
            case .number(let n): n
            }
        }
        var order = Order(externalId: number ?? key)
        guard !order.externalId.isEmpty else {
            throw DocketError("this order has neither a name nor \(orderNumberField); Docket keys every order by it", jsonPath: r.path)
        }
        order.importedFrom = .centra
        var centra = CentraFields()
        if number != nil {
            centra.hasOrderNumber = true
            if key != number { centra.key = key }
        }
        var customer = Customer()
        customer.email = try r.string("email")
        customer.country = try r.string("country")
        customer.firstName = try r.string("firstName")
        customer.lastName = try r.string("lastName")
        if customer != Customer() { order.customer = customer }
        order.billingAddress = try r.object("invoiceAddress", readAddress)
        order.shippingAddress = try r.object("deliveryAddress", readAddress)
        if let both = try r.object("address", readAddress) {
            centra.singleAddress = true
            order.billingAddress = order.billingAddress ?? both
            order.shippingAddress = order.shippingAddress ?? both
        }
        centra.createOnly = try r.bool("createOnly")
        centra.pricelist = try r.flex("pricelist")
        centra.pricelistId = try r.flex("pricelistId")
        centra.market = try r.flex("market")
        centra.marketId = try r.flex("marketId")
        if centra != CentraFields() { order.centra = centra }
        order.items = try r.objects("products") { (p, _) throws(DocketError) in
            var item = OrderItem()
            item.quantity = try p.decimal("qty")
            item.sku = try p.string("sku")
            item.ean = try p.flex("ean")
            item.unitPrice = try p.decimal("unitPrice")
            item.originalPrice = try p.decimal("originalPrice")
            item.itemText = try p.object("itemText") { (t) throws(DocketError) in
                var text = ItemText()
                text.sku = try t.string("sku")
                text.product = try t.string("product")
                text.variant = try t.string("variant")
                return text
            }
            return item
        } ?? []
        r.finish()
        order.unknownFields = unknown.byPath
        return order
    }

    func readAddress(_ a: inout FieldReader) throws(DocketError) -> Address {
        var address = Address()
        address.country = try a.string("country")
        address.firstName = try a.string("firstName")
        address.lastName = try a.string("lastName")
        address.company = try a.string("company")
        address.street = try a.string("address")
        address.street2 = try a.string("coaddress")
        address.zip = try a.string("zipcode")
        address.city = try a.string("city")
        address.state = try a.string("state")
        address.email = try a.string("email")
        address.phone = try a.flex("phoneNumber")
        return address
    }

    func writeAddress(_ a: Address, unknown: JSONObject?) -> FieldWriter {
        var w = FieldWriter()
        w.set("country", a.country)
        w.set("firstName", a.firstName)
        w.set("lastName", a.lastName)
        w.set("company", a.company)
        w.set("address", a.street)
        w.set("coaddress", a.street2)
        w.set("zipcode", a.zip)
        w.set("city", a.city)
        w.set("state", a.state)
        w.set("email", a.email)
        w.set("phoneNumber", a.phone)
        w.merge(unknown)
        return w
    }

    public func encodeRequest(_ orders: [Order], options: EncodeOptions) throws(DocketError) -> JSONValue {
        var members: [JSONObject.Member] = []
        for (key, order) in zip(Self.keys(for: orders, options: options), orders) {
            let e = EncodingOrder(order, dialect: .centra, options: options)
            members.append(.init(key, encode(e, numberField: options.centraOrderNumberField).value))
        }
        return .object(JSONObject(members))
    }

    /// The integer order number Centra compares to refuse a repeat (-5), or
    /// nil when the order goes without one. Centra has no other key: an
    /// order sent without one and left unanswered may exist there, and
    /// sending it again could create it twice.
    public static func orderNumber(_ order: Order, options: EncodeOptions) -> Int? {
        orderNumber(order, field: options.centraOrderNumberField)
    }

    static func orderNumber(_ order: Order, field: String) -> Int? {
        guard field == "orderNumber", !order.externalId.isEmpty,
              order.externalId.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(order.externalId)
    }

    /// The name each order gets in a batch body, in order. It must map back
    /// to one order: faithful bodies keep their own names, submissions use
    /// the external id, and a clash (orders from two files) gets a suffix.
    public static func keys(for orders: [Order], options: EncodeOptions) -> [String] {
        var used: Set<String> = []
        return orders.map { order in
            let fill = options.mode == .complete || order.importedFrom != .centra
            let base = (fill ? nil : order.centra?.key) ?? order.externalId
            var key = base
            var n = 2
            while !used.insert(key).inserted { key = "\(base)#\(n)"; n += 1 }
            return key
        }
    }

    func encode(_ e: EncodingOrder, numberField: String) -> FieldWriter {
        let o = e.order
        var w = FieldWriter()
        // Submissions always carry the order number so a repeat is recognised (-5).
        if e.fill || o.centra?.hasOrderNumber == true {
            if let n = Self.orderNumber(o, field: numberField) { w.set(numberField, JSONValue.number(String(n))) } else { w.set(numberField, o.externalId) }
        }
        w.set("email", e.pick(o.customer?.email, [o.billingAddress?.email, o.shippingAddress?.email, o.shipping?.email]))
        w.set("country", e.pick(o.customer?.country, [o.billingAddress?.country, o.shippingAddress?.country]))
        w.set("firstName", e.pick(o.customer?.firstName, [o.billingAddress?.firstName, o.shippingAddress?.firstName]))
        w.set("lastName", e.pick(o.customer?.lastName, [o.billingAddress?.lastName, o.shippingAddress?.lastName]))
        if o.centra?.singleAddress == true, !e.fill || o.billingAddress == o.shippingAddress, let a = o.shippingAddress ?? o.billingAddress {
            w.set("address", writeAddress(a, unknown: e.unknown("address")))
        } else {
            if let a = o.billingAddress { w.set("invoiceAddress", writeAddress(a, unknown: e.unknown("invoiceAddress"))) }
            if let a = o.shippingAddress { w.set("deliveryAddress", writeAddress(a, unknown: e.unknown("deliveryAddress"))) }
        }
        w.set("createOnly", o.centra?.createOnly)
        w.set("pricelist", o.centra?.pricelist)
        w.set("pricelistId", o.centra?.pricelistId)
        w.set("market", o.centra?.market)
        w.set("marketId", o.centra?.marketId)
        w.set("products", e.lines { (i, item) in
            var p = FieldWriter()
            p.set("qty", item.quantity)
            p.set("ean", item.ean)
            p.set("sku", e.pick(item.sku, item.ean == nil ? [item.productId] : []))
            p.set("unitPrice", item.unitPrice)
            p.set("originalPrice", e.pick(item.originalPrice, [item.unitPrice]))
            if let t = item.itemText {
                var text = FieldWriter()
                text.set("sku", t.sku)
                text.set("product", t.product)
                text.set("variant", t.variant)
                text.merge(e.unknown("products[\(i)].itemText"))
                p.set("itemText", text)
            } else if e.fill, let name = item.name {
                var text = FieldWriter()
                text.set("product", name)
                p.set("itemText", text)
            }
            p.merge(e.unknown("products[\(i)]"))
            return p
        })
        w.merge(e.unknown(""))
        return w
    }
}

/// A member name as it would be written in a JSON path.
func quoted(_ key: String) -> String {
    "\"" + key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
