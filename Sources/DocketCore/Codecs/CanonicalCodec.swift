import Foundation

/// Docket's own order format: the canonical model as JSON, one order per
/// object, field names as in `Order`. This is what `import --format docket`
/// reads (JSON Lines or a list), `export --format json` writes, and the store
/// keeps; unknown fields and the source dialect travel with it.
public enum CanonicalCodec {
    public static func encode(_ o: Order) -> JSONValue {
        var w = FieldWriter()
        w.set("externalId", o.externalId)
        w.set("status", o.status.rawValue)
        w.set("importedFrom", o.importedFrom?.rawValue)
        w.set("orderDate", o.orderDate)
        w.set("updatedAt", o.updatedAt)
        if let c = o.customer {
            var cw = FieldWriter()
            cw.set("name", c.name)
            cw.set("type", c.type)
            cw.set("email", c.email)
            cw.set("firstName", c.firstName)
            cw.set("lastName", c.lastName)
            cw.set("country", c.country)
            w.set("customer", cw)
        }
        w.set("source", o.source)
        w.set("referrer", o.referrer)
        w.set("test", o.test)
        w.set("currency", o.currency)
        w.set("total", o.total)
        w.set("shippingCost", o.shippingCost)
        if let a = o.billingAddress { w.set("billingAddress", address(a)) }
        if let a = o.shippingAddress { w.set("shippingAddress", address(a)) }
        if let s = o.shipping {
            var sw = FieldWriter()
            sw.set("carrier", s.carrier)
            sw.set("method", s.method)
            sw.set("email", s.email)
            sw.set("pudoId", s.pudoId)
            sw.set("deadline", s.deadline)
            if let d = s.deliveryDate {
                var dw = FieldWriter()
                dw.set("earliest", d.earliest)
                dw.set("latest", d.latest)
                sw.set("deliveryDate", dw)
            }
            sw.set("name", s.name)
            sw.set("description", s.description)
            sw.set("cost", s.cost)
            sw.set("note", s.note)
            sw.set("deliveryDay", s.deliveryDay)
            w.set("shipping", sw)
        }
        if let f = o.fulfillment {
            var fw = FieldWriter()
            fw.set("type", f.type)
            fw.set("code", f.code)
            w.set("fulfillment", fw)
        }
        w.set("hasIncident", o.hasIncident)
        w.set("customAttributes", o.customAttributes.map { list in
            list.map { a in
                var aw = FieldWriter()
                aw.set("id", a.id)
                aw.set("type", a.type)
                aw.set("value", a.value)
                return aw
            }
        })
        if let origin = o.origin {
            var ow = FieldWriter()
            ow.set("channelId", origin.channelId)
            ow.set("channelStoreId", origin.channelStoreId)
            w.set("origin", ow)
        }
        if let c = o.centra {
            var cw = FieldWriter()
            cw.set("key", c.key)
            cw.set("orderNumber", c.orderNumber)
            cw.set("singleAddress", c.singleAddress)
            cw.set("createOnly", c.createOnly)
            cw.set("pricelist", c.pricelist)
            cw.set("pricelistId", c.pricelistId)
            cw.set("market", c.market)
            cw.set("marketId", c.marketId)
            cw.set("shippingList", c.shippingList)
            cw.set("sendEmail", c.sendEmail)
            cw.set("adjustStock", c.adjustStock)
            w.set("centra", cw)
        }
        w.set("items", o.items.map(item))
        if !o.unknownFields.isEmpty {
            var u = FieldWriter()
            for key in o.unknownFields.keys.sorted() { u.set(key, o.unknownFields[key]) }
            w.set("unknownFields", u)
        }
        return w.value
    }

    static func address(_ a: Address) -> FieldWriter {
        var w = FieldWriter()
        w.set("firstName", a.firstName)
        w.set("lastName", a.lastName)
        w.set("company", a.company)
        w.set("street", a.street)
        w.set("street2", a.street2)
        w.set("additionalInfo", a.additionalInfo)
        w.set("zip", a.zip)
        w.set("city", a.city)
        w.set("state", a.state)
        w.set("country", a.country)
        w.set("countryIso3", a.countryIso3)
        w.set("email", a.email)
        w.set("phone", a.phone)
        w.set("cell", a.cell)
        w.set("attn", a.attn)
        return w
    }

    static func item(_ i: OrderItem) -> FieldWriter {
        var w = FieldWriter()
        w.set("lineId", i.lineId)
        w.set("productId", i.productId)
        w.set("sku", i.sku)
        w.set("ean", i.ean)
        w.set("name", i.name)
        w.set("quantity", i.quantity)
        w.set("unitPrice", i.unitPrice)
        w.set("originalPrice", i.originalPrice)
        w.set("purchasePrice", i.purchasePrice)
        w.set("taxPercentage", i.taxPercentage)
        w.set("stockQuantity", i.stockQuantity)
        w.set("imageUrl", i.imageUrl)
        w.set("brand", i.brand)
        w.set("category", i.category)
        w.set("supplier", i.supplier)
        w.set("custom", i.custom)
        if let t = i.itemText {
            var tw = FieldWriter()
            tw.set("sku", t.sku)
            tw.set("brand", t.brand)
            tw.set("product", t.product)
            tw.set("variant", t.variant)
            tw.set("size", t.size)
            w.set("itemText", tw)
        }
        w.set("lineStatus", i.lineStatus)
        w.set("statusReason", i.statusReason)
        w.set("canCancel", i.canCancel)
        w.set("canRefund", i.canRefund)
        if let m = i.totalShippingPrice {
            var mw = FieldWriter()
            mw.set("amount", m.amount)
            mw.set("currency", m.currency)
            w.set("totalShippingPrice", mw)
        }
        w.set("updatedAt", i.updatedAt)
        w.set("adjustments", i.adjustments.map { JSONValue.array($0) })
        return w
    }

    /// Reads one canonical order. Members it does not know are an error here,
    /// not kept: this is Docket's own format, so an unknown name is a typo.
    public static func decode(_ value: JSONValue, path: String = "$") throws(DocketError) -> Order {
        let sink = UnknownFields()
        var r = try FieldReader(value, path: path, relPath: "", unknown: sink)
        var o = Order(externalId: try requireId(try r.string("externalId"), field: "externalId", path: path))
        if let s = try r.string("status") {
            guard let status = OrderStatus(rawValue: s.uppercased()) else {
                throw DocketError("unknown status \"\(s)\"; use OPEN, PROCESSING, CLOSED or CANCELLED", jsonPath: r.childPath("status"))
            }
            o.status = status
        }
        if let d = try r.string("importedFrom") {
            guard let dialect = Dialect(rawValue: d) else {
                throw DocketError("unknown dialect \"\(d)\"", jsonPath: r.childPath("importedFrom"))
            }
            o.importedFrom = dialect
        }
        o.orderDate = try r.string("orderDate")
        o.updatedAt = try r.string("updatedAt")
        o.customer = try r.object("customer") { (c) throws(DocketError) in
            var customer = Customer()
            customer.name = try c.string("name")
            customer.type = try c.string("type")
            customer.email = try c.string("email")
            customer.firstName = try c.string("firstName")
            customer.lastName = try c.string("lastName")
            customer.country = try c.string("country")
            return customer
        }
        o.source = try r.string("source")
        o.referrer = try r.string("referrer")
        o.test = try r.bool("test")
        o.currency = try r.string("currency")
        o.total = try r.decimal("total")
        o.shippingCost = try r.decimal("shippingCost")
        o.billingAddress = try r.object("billingAddress", readAddress)
        o.shippingAddress = try r.object("shippingAddress", readAddress)
        o.shipping = try r.object("shipping") { (s) throws(DocketError) in
            var info = ShippingInfo()
            info.carrier = try s.string("carrier")
            info.method = try s.string("method")
            info.email = try s.string("email")
            info.pudoId = try s.string("pudoId")
            info.deadline = try s.string("deadline")
            info.deliveryDate = try s.object("deliveryDate") { (d) throws(DocketError) in
                var date = DeliveryDate()
                date.earliest = try d.string("earliest")
                date.latest = try d.string("latest")
                return date
            }
            info.name = try s.string("name")
            info.description = try s.string("description")
            info.cost = try s.decimal("cost")
            info.note = try s.string("note")
            info.deliveryDay = try s.string("deliveryDay")
            return info
        }
        o.fulfillment = try r.object("fulfillment") { (f) throws(DocketError) in
            var fulfillment = Fulfillment()
            fulfillment.type = try f.string("type")
            fulfillment.code = try f.string("code")
            return fulfillment
        }
        o.hasIncident = try r.bool("hasIncident")
        o.customAttributes = try r.objects("customAttributes") { (a, _) throws(DocketError) in
            var attribute = CustomAttribute()
            attribute.id = try a.string("id")
            attribute.type = try a.string("type")
            attribute.value = a.raw("value")
            return attribute
        }
        o.origin = try r.object("origin") { (g) throws(DocketError) in
            Origin(channelId: try g.string("channelId"), channelStoreId: try g.string("channelStoreId"))
        }
        let externalId = o.externalId
        o.centra = try r.object("centra") { (c) throws(DocketError) in
            var centra = CentraFields()
            centra.key = try c.string("key")
            centra.orderNumber = try c.string("orderNumber")
            // Stores written before orderNumber was its own field said only
            // that the body carried the external id as its number.
            if try c.bool("hasOrderNumber") == true, isAllDigits(externalId) { centra.orderNumber = externalId }
            centra.singleAddress = try c.bool("singleAddress")
            centra.createOnly = try c.bool("createOnly")
            centra.pricelist = try c.flex("pricelist")
            centra.pricelistId = try c.flex("pricelistId")
            centra.market = try c.flex("market")
            centra.marketId = try c.flex("marketId")
            centra.shippingList = try c.flex("shippingList")
            centra.sendEmail = try c.bool("sendEmail")
            centra.adjustStock = try c.bool("adjustStock")
            return centra
        }
        o.items = try r.objects("items") { (i, _) throws(DocketError) in try readItem(&i) } ?? []
        if let u = try r.rawObject("unknownFields") {
            for m in u {
                guard case .object(let obj) = m.value else {
                    throw DocketError("unknown fields are kept as objects, but \"\(m.key)\" holds \(m.value.kindName)",
                                      jsonPath: "\(path).unknownFields[\(quoted(m.key))]")
                }
                o.unknownFields[m.key] = obj
            }
        }
        r.finish()
        // A null is as good as absent; any other stray member is a typo.
        if let (where_, rest) = sink.byPath.first(where: { $0.value.contains { !$0.value.isNull } }) {
            let name = rest.first { !$0.value.isNull }?.key ?? ""
            let place = where_.isEmpty ? path : "\(path).\(where_)"
            throw DocketError("\"\(name)\" is not a field of a Docket order (check the spelling)", jsonPath: "\(place).\(name)")
        }
        return o
    }

    static func readAddress(_ a: inout FieldReader) throws(DocketError) -> Address {
        var address = Address()
        address.firstName = try a.string("firstName")
        address.lastName = try a.string("lastName")
        address.company = try a.string("company")
        address.street = try a.string("street")
        address.street2 = try a.string("street2")
        address.additionalInfo = try a.string("additionalInfo")
        address.zip = try a.string("zip")
        address.city = try a.string("city")
        address.state = try a.string("state")
        address.country = try a.string("country")
        address.countryIso3 = try a.string("countryIso3")
        address.email = try a.string("email")
        address.phone = try a.flex("phone")
        address.cell = try a.flex("cell")
        address.attn = try a.string("attn")
        return address
    }

    static func readItem(_ i: inout FieldReader) throws(DocketError) -> OrderItem {
        var item = OrderItem()
        item.lineId = try i.string("lineId")
        item.productId = try i.string("productId")
        item.sku = try i.string("sku")
        item.ean = try i.flex("ean")
        item.name = try i.string("name")
        item.quantity = try i.decimal("quantity")
        item.unitPrice = try i.decimal("unitPrice")
        item.originalPrice = try i.decimal("originalPrice")
        item.purchasePrice = try i.decimal("purchasePrice")
        item.taxPercentage = try i.decimal("taxPercentage")
        item.stockQuantity = try i.decimal("stockQuantity")
        item.imageUrl = try i.string("imageUrl")
        item.brand = try i.string("brand")
        item.category = try i.string("category")
        item.supplier = try i.string("supplier")
        item.custom = try i.rawObject("custom")
        item.itemText = try i.object("itemText") { (t) throws(DocketError) in
            var text = ItemText()
            text.sku = try t.string("sku")
            text.brand = try t.string("brand")
            text.product = try t.string("product")
            text.variant = try t.string("variant")
            text.size = try t.string("size")
            return text
        }
        item.lineStatus = try i.string("lineStatus")
        item.statusReason = try i.string("statusReason")
        item.canCancel = try i.bool("canCancel")
        item.canRefund = try i.bool("canRefund")
        item.totalShippingPrice = try i.object("totalShippingPrice") { (m) throws(DocketError) in
            Money(amount: try m.decimal("amount"), currency: try m.string("currency"))
        }
        item.updatedAt = try i.string("updatedAt")
        item.adjustments = try i.rawArray("adjustments")
        return item
    }
}

/// `Codable` through the canonical format, so there is one definition of it.
extension Order: Codable {
    public init(from decoder: any Decoder) throws {
        self = try CanonicalCodec.decode(try JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try CanonicalCodec.encode(self).encode(to: encoder)
    }
}
