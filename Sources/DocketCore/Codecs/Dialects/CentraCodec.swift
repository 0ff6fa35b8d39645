import Foundation

/// Centra Batch Create Orders: an object whose member names are the
/// client's own, each holding a Create Order object. Centra keeps `email`
/// and `country` in the addresses, has `tele`/`cell` and no `company`, takes
/// products by size `id`, `ean` or `sku`, money with two decimals, and an
/// optional integer `orderNumber` (there is no `orderId`).
public struct CentraCodec: DialectCodec {
    public var dialect: Dialect { .centra }
    public init() {}

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
        guard !key.isEmpty else {
            throw DocketError("this order's name in the batch is empty; Docket keys every order by it", jsonPath: r.path)
        }
        var order = Order(externalId: key)
        order.importedFrom = .centra
        var centra = CentraFields()
        if let number = try r.flex("orderNumber") {
            guard isAllDigits(number.text) else {
                throw DocketError("Centra's orderNumber is a whole number, not \"\(number.text)\"", jsonPath: r.path + ".orderNumber")
            }
            centra.orderNumber = number.text
        }
        order.billingAddress = try r.object("invoiceAddress", readAddress)
        order.shippingAddress = try r.object("deliveryAddress", readAddress)
        if let both = try r.object("address", readAddress) {
            centra.singleAddress = true
            order.billingAddress = order.billingAddress ?? both
            order.shippingAddress = order.shippingAddress ?? both
        }
        order.shippingCost = try r.decimal("shippingValue")
        centra.createOnly = try r.bool("createOnly")
        centra.pricelist = try r.flex("pricelist")
        centra.pricelistId = try r.flex("pricelistId")
        centra.market = try r.flex("market")
        centra.marketId = try r.flex("marketId")
        centra.shippingList = try r.flex("shippingList")
        centra.sendEmail = try r.bool("sendEmail")
        centra.adjustStock = try r.bool("adjustStock")
        if centra != CentraFields() { order.centra = centra }
        order.items = try r.objects("products") { (p, _) throws(DocketError) in
            var item = OrderItem()
            item.quantity = try p.decimal("qty")
            if let id = try p.flex("id") {
                guard isAllDigits(id.text) else {
                    throw DocketError("a Centra product id is the size id, a whole number, not \"\(id.text)\"", jsonPath: p.path + ".id")
                }
                item.productId = id.text
            }
            item.sku = try p.string("sku")
            item.ean = try p.flex("ean")
            item.unitPrice = try p.decimal("unitPrice")
            item.originalPrice = try p.decimal("originalPrice")
            item.itemText = try p.object("itemText") { (t) throws(DocketError) in
                var text = ItemText()
                text.sku = try t.string("sku")
                text.brand = try t.string("brand")
                text.product = try t.string("product")
                text.variant = try t.string("variant")
                text.size = try t.string("size")
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
        address.email = try a.string("email")
        address.firstName = try a.string("firstName")
        address.lastName = try a.string("lastName")
        address.phone = try a.flex("tele")
        address.cell = try a.flex("cell")
        address.attn = try a.string("attn")
        address.street = try a.string("address")
        address.street2 = try a.string("coaddress")
        address.zip = try a.string("zipcode")
        address.city = try a.string("city")
        address.state = try a.string("state")
        address.country = try a.string("country")
        return address
    }

    /// One address as Centra takes it. When filling, the invoice address
    /// (`withContact`) also carries the email, names and country Centra
    /// requires, from wherever else the order has them.
    func writeAddress(_ a: Address, _ o: Order, _ e: EncodingOrder, rel: String, withContact: Bool) -> FieldWriter {
        var w = FieldWriter()
        let contact = withContact && e.fill
        w.set("email", contact ? e.pick(a.email, o.customer?.email ?? o.billingAddress?.email
                                                   ?? o.shippingAddress?.email ?? o.shipping?.email) : a.email)
        w.set("firstName", e.fill ? e.pick(a.firstName, o.customer?.firstName) : a.firstName)
        w.set("lastName", e.fill ? e.pick(a.lastName, o.customer?.lastName) : a.lastName)
        w.set("tele", a.phone)
        w.set("cell", a.cell)
        w.set("attn", a.attn)
        w.set("address", a.street)
        w.set("coaddress", a.street2)
        w.set("zipcode", a.zip)
        w.set("city", a.city)
        w.set("state", a.state)
        w.set("country", e.fill ? e.pick(a.country, o.customer?.country ?? o.billingAddress?.country ?? o.shippingAddress?.country) : a.country)
        w.merge(e.unknown(rel))
        return w
    }

    public func encodeRequest(_ orders: [Order], options: EncodeOptions) throws(DocketError) -> JSONValue {
        var members: [JSONObject.Member] = []
        let keys = Self.keys(for: orders, options: options)
        members.reserveCapacity(orders.count)
        for i in orders.indices {
            let e = EncodingOrder(orders[i], dialect: .centra, options: options)
            members.append(.init(keys[i], encode(orders[i], e, options: options).value))
        }
        return .object(JSONObject(members))
    }

    public func encodeRequest(one order: Order, options: EncodeOptions) -> JSONValue {
        let e = EncodingOrder(order, dialect: .centra, options: options)
        return .object(JSONObject([.init(Self.key(order, options: options), encode(order, e, options: options).value)]))
    }

    /// The integer order number Centra compares to refuse a repeat (-5), or
    /// nil when the order goes without one. Centra has no other key: an
    /// order sent without one and left unanswered may exist there, and
    /// sending it again could create it twice.
    public static func orderNumber(_ order: Order, options: EncodeOptions) -> Int? {
        let text: String? = switch options.centraOrderNumber {
        case .none: nil
        case .externalId: order.externalId
        case .auto: order.centra?.orderNumber ?? order.externalId
        }
        guard let text, isAllDigits(text) else { return nil }
        return Int(text)
    }

    /// The name each order gets in a batch body, in order. It must map back
    /// to one order: faithful bodies keep their own names, submissions use
    /// the external id, and a clash (orders from two files) gets a suffix.
    public static func keys(for orders: [Order], options: EncodeOptions) -> [String] {
        if orders.count == 1 { return [key(orders[0], options: options)] }
        var used: Set<String> = []
        return orders.map { order in
            let base = key(order, options: options)
            var key = base
            var n = 2
            while !used.insert(key).inserted { key = "\(base)#\(n)"; n += 1 }
            return key
        }
    }

    /// An order's own key, before repeats in one request are told apart.
    static func key(_ order: borrowing Order, options: EncodeOptions) -> String {
        let fill = options.mode == .complete || order.importedFrom != .centra
        return (fill ? nil : order.centra?.key) ?? order.externalId
    }

    /// Centra takes money with two decimals.
    static func money(_ d: Decimal?) -> Decimal? { d.map { DecimalText.rounded($0, places: 2) } }

    func encode(_ o: Order, _ e: EncodingOrder, options: EncodeOptions) -> FieldWriter {
        var w = FieldWriter()
        // Faithful bodies keep the number they came with; submissions send
        // the one the target's order_number setting picks.
        if e.fill {
            if let n = Self.orderNumber(o, options: options) { w.set("orderNumber", JSONValue.number(String(n))) }
        } else if let n = o.centra?.orderNumber {
            w.set("orderNumber", JSONValue.number(n))
        }
        let single = o.centra?.singleAddress == true && (!e.fill || o.billingAddress == o.shippingAddress)
        if single || (e.fill && (o.billingAddress == nil || o.billingAddress == o.shippingAddress)),
           let a = o.billingAddress ?? o.shippingAddress {
            w.set("address", writeAddress(a, o, e, rel: "address", withContact: true))
        } else {
            if let a = o.billingAddress { w.set("invoiceAddress", writeAddress(a, o, e, rel: "invoiceAddress", withContact: true)) }
            if let a = o.shippingAddress { w.set("deliveryAddress", writeAddress(a, o, e, rel: "deliveryAddress", withContact: false)) }
        }
        let c = o.centra
        let d = options.centra
        w.set("pricelist", c?.pricelist ?? (c?.pricelistId == nil ? d.pricelist.map { FlexText.text($0) } : nil))
        w.set("pricelistId", c?.pricelistId)
        w.set("market", c?.market ?? (c?.marketId == nil ? d.market.map { FlexText.text($0) } : nil))
        w.set("marketId", c?.marketId)
        w.set("shippingList", c?.shippingList ?? d.shippingList.map { FlexText.text($0) })
        w.set("shippingValue", Self.money(e.fill ? o.shippingDue : o.shippingCost))
        w.set("sendEmail", c?.sendEmail ?? d.sendEmail)
        w.set("adjustStock", c?.adjustStock ?? d.adjustStock)
        w.set("createOnly", c?.createOnly ?? d.createOnly)
        let fromCentra = o.importedFrom == .centra
        w.set("products", e.lines { (i, item) in
            var p = FieldWriter()
            p.set("qty", item.quantity)
            if fromCentra || !e.fill {
                // The identifiers the order came with, as they came.
                if let id = item.productId, isAllDigits(id) { p.set("id", JSONValue.number(id)) }
                p.set("ean", item.ean)
                p.set("sku", item.sku)
            } else if let sku = item.sku {
                // One identifier: a product id from another system is not a
                // Centra size id, so it goes as a sku, never as `id`.
                p.set("sku", sku)
            } else if let ean = item.ean {
                p.set("ean", ean)
            } else {
                p.set("sku", e.pick(nil, item.productId ?? item.itemText?.sku))
            }
            // The unit price is most often the original price too: written
            // once and shared (formatting amounts is a fifth of the checks).
            let unitPrice = Self.money(item.unitPrice).map { JSONValue.number(DecimalText.format($0)) }
            p.set("unitPrice", unitPrice)
            if let original = item.originalPrice {
                p.set("originalPrice", Self.money(original))
            } else if e.fill {
                p.set("originalPrice", unitPrice)
            }
            if let t = item.itemText {
                var text = FieldWriter()
                text.set("sku", t.sku)
                text.set("brand", t.brand)
                text.set("product", t.product)
                text.set("variant", t.variant)
                text.set("size", t.size)
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

    public func conversions(_ order: Order, options: EncodeOptions) -> [OrderIssue] {
        var notes: [OrderIssue] = []
        func check(_ value: Decimal?, _ field: String, _ name: String) {
            guard let value, let sent = Self.money(value), sent != value else { return }
            notes.append(.converted(field, "\(name) \(DecimalText.format(value)) goes to Centra as \(DecimalText.format(sent)) (two decimals, rounded half away from zero)"))
        }
        check(order.shippingDue, order.shippingCost == nil ? "shipping.cost" : "shippingCost", "shippingValue")
        for (i, item) in order.items.enumerated() {
            check(item.unitPrice, "items[\(i)].unitPrice", "unitPrice")
            check(item.originalPrice, "items[\(i)].originalPrice", "originalPrice")
        }
        return notes
    }
}

/// A member name as it would be written in a JSON path.
func quoted(_ key: String) -> String {
    "\"" + key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
