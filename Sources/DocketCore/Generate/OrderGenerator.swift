import Foundation

/// Makes plausible orders, the same ones for the same seed: for tests,
/// benchmarks and the demo store. Orders carry fields of every dialect.
public struct OrderGenerator: Sendable {
    var random: SeededRandom
    public var itemsPerOrder: ClosedRange<Int>
    /// Only what a typical shop order carries (id, date, customer, one
    /// address, money, items with SKU, name, quantity and price), instead of
    /// every dialect's fields at once.
    public var lean: Bool

    public init(seed: UInt64 = 42, itemsPerOrder: ClosedRange<Int> = 1...4, lean: Bool = false) {
        random = SeededRandom(seed: seed)
        self.itemsPerOrder = itemsPerOrder
        self.lean = lean
    }

    mutating func nextRandom() -> UInt64 { random.next() }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(nextRandom() % UInt64(range.count))
    }

    mutating func pick<T>(_ list: [T]) -> T { list[int(0...(list.count - 1))] }

    static let firstNames = ["Anna", "Bram", "Chloé", "Daan", "Eva", "Finn", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Lars", "Mia", "Noah", "Olga", "Pieter", "Quinn", "Rosa", "Sven", "Tess", "Ulla", "Vera", "Wim", "Yara", "Zoë", "李", "Åsa"]
    static let lastNames = ["de Vries", "Jansen", "Müller", "Smith", "García", "Rossi", "Dubois", "Nowak", "Johansson", "Kowalski", "Bakker", "Visser", "O'Brien", "Yamada", "王"]
    static let cities = [("Amsterdam", "NL", "NLD", "1012 AB"), ("Berlin", "DE", "DEU", "10115"), ("Paris", "FR", "FRA", "75001"),
                         ("Stockholm", "SE", "SWE", "111 22"), ("Madrid", "ES", "ESP", "28001"), ("Milano", "IT", "ITA", "20121"),
                         ("London", "GB", "GBR", "SW1A 1AA"), ("Austin", "US", "USA", "78701")]
    static let products = [("ETH-250G-WB", "Ethiopia Yirgacheffe 250g"), ("COL-1KG-WB", "Colombia Huila 1kg"),
                           ("KEN-500G-GR", "Kenya AA 500g ground"), ("BRA-250G-WB", "Brazil Santos 250g"),
                           ("CUP-ESP-01", "Espresso cup"), ("FLT-V60-02", "V60 paper filters"), ("GRD-HND-03", "Hand grinder"),
                           ("MUG-350-BLK", "Mug 350ml black"), ("TEA-GRN-100", "Green tea 100g"), ("SYR-VAN-750", "Vanilla syrup")]
    /// Every SKU the generator uses (a product list a target can know).
    public static var productCodes: [String] { products.map(\.0) }

    static let statuses = ["AWAITING_ACCEPTANCE", "AWAITING_SHIPMENT", "SHIPPED", "DELIVERED"]

    /// The order numbered `index`; its external id is `prefix` + index.
    public mutating func order(_ index: Int, prefix: String = "ORD-") -> Order {
        let id = "\(prefix)\(String(format: "%07d", index))"
        var o = Order(externalId: id)
        let day = int(1...28), month = int(1...12), hour = int(0...23), minute = int(0...59)
        let date = String(format: "2026-%02d-%02dT%02d:%02d:00Z", month, day, hour, minute)
        o.orderDate = date
        o.updatedAt = date
        let first = pick(Self.firstNames), last = pick(Self.lastNames)
        let city = pick(Self.cities)
        var c = Customer()
        c.name = "\(first) \(last)"
        c.type = int(0...4) == 0 ? "WHOLESALE" : "RETAIL"
        c.email = "\(first.lowercased()).\(index)@example.com"
        c.firstName = first
        c.lastName = last
        c.country = city.1
        o.customer = c
        var a = Address()
        a.firstName = first
        a.lastName = last
        a.street = "\(int(1...200)) Main Street"
        a.zip = city.3
        a.city = city.0
        a.country = city.1
        a.countryIso3 = city.2
        a.email = c.email
        a.phone = .text("+31 6 \(int(1000_0000...9999_9999))")
        o.shippingAddress = a
        o.source = "shop.example.com"
        o.currency = "EUR"
        if lean {
            c.firstName = nil
            c.lastName = nil
            c.country = nil
            o.customer = c
            o.shippingAddress?.email = nil
            o.shippingAddress?.countryIso3 = nil
            o.updatedAt = nil
        } else {
            o.billingAddress = a
        }
        if !lean {
            var f = Fulfillment()
            f.type = "FULFILLED_BY_SELLER"
            o.fulfillment = f
            var s = ShippingInfo()
            s.carrier = "PostNL"
            s.method = "STANDARD"
            o.shipping = s
            o.origin = Origin(channelId: "CH-1", channelStoreId: "STORE-1")
        }
        let count = int(itemsPerOrder)
        var total = Decimal(0)
        for line in 0..<count {
            let p = pick(Self.products)
            var item = OrderItem()
            item.sku = p.0
            item.name = p.1
            if !lean {
                item.lineId = "\(id)-\(line + 1)"
                item.productId = p.0
                item.ean = .text(String(format: "0%012d", int(0...999_999_999)))
            }
            let quantity = int(1...5)
            item.quantity = Decimal(quantity)
            let price = Decimal(int(199...4999)) / 100
            item.unitPrice = price
            item.taxPercentage = 21
            if !lean {
                item.originalPrice = price
                item.lineStatus = pick(Self.statuses)
                item.canCancel = true
                item.canRefund = true
                item.totalShippingPrice = Money(amount: 0, currency: "EUR")
                item.updatedAt = date
            }
            total += price * Decimal(quantity)
            o.items.append(item)
        }
        o.shippingCost = Decimal(495) / 100
        o.total = total + o.shippingCost!
        return o
    }
}
