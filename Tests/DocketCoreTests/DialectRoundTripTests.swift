import Foundation
import Testing
@testable import DocketCore

@Suite struct DialectRoundTripTests {
    static let fixtures: [(String, Dialect)] = [
        ("cropster-seed.json", .cropster), ("centra-seed.json", .centra), ("dropday-seed.json", .dropday),
        ("mirakl-example.json", .mirakl), ("omnia-example.json", .omnia),
    ]

    @Test(arguments: fixtures)
    func documentExamplesExportBackUnchanged(file: String, dialect: Dialect) throws {
        let body = try Fixtures.json(file)
        let orders = try dialect.codec.decodeRequest(body)
        #expect(!orders.isEmpty)
        let back = try dialect.codec.encodeRequest(orders, options: EncodeOptions())
        #expect(back == body, "\(JSONWriter.string(back, pretty: true))")
    }

    @Test(arguments: fixtures)
    func throughTheCanonicalFormatAndBack(file: String, dialect: Dialect) throws {
        let body = try Fixtures.json(file)
        let orders = try dialect.codec.decodeRequest(body)
        let stored = try orders.map { try CanonicalCodec.decode(try JSONParser.parse(JSONWriter.string(CanonicalCodec.encode($0)))) }
        #expect(stored == orders)
        #expect(try dialect.codec.encodeRequest(stored, options: EncodeOptions()) == body)
    }

    @Test(arguments: Dialect.allCases)
    func generatedOrdersRoundTrip(dialect: Dialect) throws {
        var generator = OrderGenerator(seed: 7)
        var orders = (0..<25).map { generator.order($0) }
        for i in orders.indices { orders[i].importedFrom = dialect }
        if dialect == .dropday { orders = [orders[0]] }
        let body = try dialect.codec.encodeRequest(orders, options: EncodeOptions())
        let decoded = try dialect.codec.decodeRequest(try JSONParser.parse(JSONWriter.string(body)))
        #expect(decoded.count == orders.count)
        #expect(decoded.map(\.externalId) == orders.map(\.externalId))
        let again = try dialect.codec.encodeRequest(decoded, options: EncodeOptions())
        #expect(again == body)
    }

    /// Checks encode each order alone through `encodeRequest(one:)`; it
    /// must write what a request of that one order holds.
    @Test(arguments: Dialect.allCases)
    func oneOrderBodyIsTheBodyOfAListOfOne(dialect: Dialect) throws {
        var lean = OrderGenerator(seed: 3, lean: true), full = OrderGenerator(seed: 3, lean: false)
        var orders = (0..<10).map { lean.order($0) } + (0..<10).map { full.order($0) }
        for (file, from) in Self.fixtures { orders += try from.codec.decodeRequest(try Fixtures.json(file)) }
        let origin = Origin(channelId: "web", channelStoreId: "1")
        for mode in [EncodeOptions.Mode.faithful, .complete] {
            let options = EncodeOptions(mode: mode, defaultOrigin: origin)
            for order in orders {
                let one = try dialect.codec.encodeRequest(one: order, options: options)
                #expect(one == (try dialect.codec.encodeRequest([order], options: options)), "\(order.externalId) \(mode)")
            }
        }
    }

    @Test func moneyAndEANsKeepTheirDigits() throws {
        let centra = try CentraCodec().decodeRequest(try Fixtures.json("centra-seed.json"))
        let x123 = try #require(centra.first { $0.externalId == "x123" })
        #expect(x123.items[0].unitPrice == Decimal(string: "14.11"))
        #expect(DecimalText.format(x123.items[0].unitPrice!) == "14.11")
        let dropday = try DropdayCodec().decodeRequest(try Fixtures.json("dropday-seed.json"))
        #expect(dropday[0].items[1].ean == .text("07235211235464"))
        #expect(dropday[0].items[0].custom?["toppings"] == .string("onions, olives"))
    }

    @Test func centraKeyIsTheExternalIdAndTheOrderNumberIsKeptBesideIt() throws {
        let orders = try CentraCodec().decodeRequest(try Fixtures.json("centra-seed.json"))
        #expect(orders.map(\.externalId) == ["x123", "a1"])
        #expect(orders[1].unknownFields[""]?["..."] == .string("..."))
        let withNumber: JSONValue = ["k1": ["orderNumber": 5001, "address": ["email": "a@b.c", "country": "SE"],
                                            "products": [["qty": 1, "sku": "S"]]]]
        let numbered = try CentraCodec().decodeRequest(withNumber)
        #expect(numbered[0].externalId == "k1")
        #expect(numbered[0].centra?.orderNumber == "5001")
        #expect(try CentraCodec().encodeRequest(numbered, options: EncodeOptions()) == withNumber)
        // Sent, the imported number goes as the integer it was, under auto;
        // external_id wants the external id's digits, and there are none.
        let sent = try CentraCodec().encodeRequest(numbered, options: EncodeOptions(mode: .complete))
        #expect(sent.objectValue?["k1"]?.objectValue?["orderNumber"] == .number("5001"))
        let byId = try CentraCodec().encodeRequest(numbered, options: EncodeOptions(mode: .complete, centraOrderNumber: .externalId))
        #expect(byId.objectValue?["k1"]?.objectValue?["orderNumber"] == nil)
        // A number that is not whole is refused where it stands.
        #expect(throws: DocketError.self) {
            try CentraCodec().decodeRequest(["k2": ["orderNumber": "SHOP-9", "products": []]])
        }
    }

    @Test func unknownFieldsAreKeptAndNullsGoBack() throws {
        let body = try JSONParser.parse(#"{"data":[{"externalId":"A","orderDate":null,"priority":"high","orderItems":[{"sku":"S","quantity":1,"lot":"L7"}]}],"dryRun":true}"#)
        let orders = try CropsterCodec().decodeRequest(body)
        #expect(orders[0].unknownFields[""]?["priority"] == .string("high"))
        #expect(orders[0].unknownFields["orderItems[0]"]?["lot"] == .string("L7"))
        #expect(try CropsterCodec().encodeRequest(orders, options: EncodeOptions()) == body)
        // Another dialect does not get Cropster's unknown fields.
        let omnia = try OmniaCodec().encodeRequest(orders, options: EncodeOptions(mode: .complete))
        #expect(!JSONWriter.string(omnia).contains("priority"))
    }

    @Test func completeModeFillsEquivalentFields() throws {
        let orders = try CropsterCodec().decodeRequest(try Fixtures.json("cropster-seed.json"))
        let omnia = try OmniaCodec().encodeRequest(orders, options: EncodeOptions(mode: .complete))
        let item = omnia.objectValue?["orders"]?.arrayValue?[0].objectValue?["items"]?.arrayValue?[0].objectValue
        #expect(item?["itemId"] == .string("ETH-250G-WB"))
        #expect(omnia.objectValue?["orders"]?.arrayValue?[0].objectValue?["creationDate"] == .string("2026-01-01T01:11:00Z"))
        let centra = try CentraCodec().encodeRequest(orders, options: EncodeOptions(mode: .complete))
        let order = centra.objectValue?["PRC-ORD-101"]?.objectValue
        // Centra has no orderId, and this external id has no digits to give.
        #expect(order?["orderId"] == nil && order?["orderNumber"] == nil)
        #expect(order?["products"]?.arrayValue?[0].objectValue?["sku"] == .string("ETH-250G-WB"))
    }

    @Test func wrongTypesNameTheirPath() {
        let body: JSONValue = ["data": [["externalId": "A", "orderItems": [["sku": "S", "quantity": "two"]]]]]
        #expect {
            try CropsterCodec().decodeRequest(body)
        } throws: { error in
            (error as? DocketError)?.jsonPath == "$.data[0].orderItems[0].quantity"
        }
    }

    @Test func miraklOrdersOfTwoOriginsCannotShareARequest() throws {
        var a = Order(externalId: "A"), b = Order(externalId: "B")
        a.origin = Origin(channelId: "1", channelStoreId: "x")
        b.origin = Origin(channelId: "2", channelStoreId: "x")
        #expect(throws: DocketError.self) { try MiraklCodec().encodeRequest([a, b], options: EncodeOptions()) }
    }

    @Test func canonicalRefusesMisspelledFields() {
        let v: JSONValue = ["externalId": "A", "items": [], "custommer": ["name": "x"]]
        #expect {
            try CanonicalCodec.decode(v)
        } throws: { error in
            (error as? DocketError)?.jsonPath == "$.custommer"
        }
    }

    @Test func orderIsCodableThroughTheCanonicalFormat() throws {
        var g = OrderGenerator(seed: 3)
        let order = g.order(1)
        let data = try JSONEncoder().encode(order)
        #expect(try JSONDecoder().decode(Order.self, from: data) == order)
    }
}
