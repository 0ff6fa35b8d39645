import DocketConfig
@testable import DocketCore
import Foundation
import Testing

/// What Docket sends follows the vendors' fuller references (TARGETS.md),
/// field by field, where the seeds are partial.
@Suite struct VendorShapeTests {
    static func centra(_ order: Order, _ options: EncodeOptions = EncodeOptions(mode: .complete)) throws -> JSONObject {
        let body = try CentraCodec().encodeRequest([order], options: options)
        return try #require(body.objectValue?.members.first?.value.objectValue)
    }

    @Test func centraGetsEmailAndCountryInTheAddressAndNothingItDoesNotHave() throws {
        // A Dropday order: one shipping address, the email at the top.
        let order = try DropdayCodec().decodeRequest(try Fixtures.json("dropday-seed.json"))[0]
        let sent = try Self.centra(order)
        #expect(sent["email"] == nil && sent["country"] == nil && sent["firstName"] == nil && sent["orderId"] == nil)
        // Only one address: it goes as `address`, for invoice and delivery.
        #expect(sent["deliveryAddress"] == nil && sent["invoiceAddress"] == nil)
        let address = try #require(sent["address"]?.objectValue)
        #expect(address["email"] == order.customer?.email.map(JSONValue.string))
        #expect(address["tele"] != nil && address["phoneNumber"] == nil && address["company"] == nil)
        // Products by one identifier: a Dropday product id is not a Centra size id.
        let product = try #require(sent["products"]?.arrayValue?.first?.objectValue)
        #expect(product["id"] == nil)
        #expect(product["sku"] != nil)
    }

    /// Centra's body is keyed by order: a key that repeats in one request
    /// gets a suffix rather than overwriting the order before it.
    @Test func centraKeysStayApartInOneRequest() throws {
        var a = Order(externalId: "C-1", items: [OrderItem()])
        a.currency = "EUR"
        let b = a
        var c = a
        c.externalId = "C-2"
        let body = try #require(try CentraCodec().encodeRequest([a, b, c], options: EncodeOptions(mode: .complete)).objectValue)
        #expect(body.members.map(\.key) == ["C-1", "C-1#2", "C-2"])
        let one = try #require(try CentraCodec().encodeRequest([c], options: EncodeOptions(mode: .complete)).objectValue)
        #expect(one.members.map(\.key) == ["C-2"])
    }

    /// One Mirakl request carries one origin.
    @Test func miraklOrdersFromTwoOriginsDoNotShareARequest() throws {
        var a = Order(externalId: "M-1", items: [OrderItem()])
        a.origin = Origin(channelId: "web", channelStoreId: "store-1")
        var b = a
        b.externalId = "M-2"
        let same = try #require(try MiraklCodec().encodeRequest([a, b], options: EncodeOptions(mode: .complete)).objectValue)
        #expect(same["origin"]?.objectValue?["channel_id"] == "web")
        b.origin = Origin(channelId: "web", channelStoreId: "store-2")
        let error = try #require(throws: DocketError.self) { try MiraklCodec().encodeRequest([a, b], options: EncodeOptions(mode: .complete)) }
        #expect(error.message.contains("2 different Mirakl origins"))
        // An order without one takes the target's default.
        var defaults = EncodeOptions(mode: .complete)
        defaults.defaultOrigin = a.origin
        b.origin = nil
        let filled = try #require(try MiraklCodec().encodeRequest([b], options: defaults).objectValue)
        #expect(filled["origin"]?.objectValue?["channel_store_id"] == "store-1")
    }

    @Test func centraMoneyGoesWithTwoDecimalsAndSaysSo() throws {
        var order = try CentraCodec().decodeRequest(try Fixtures.json("centra-seed.json"))[0]
        order.items[0].unitPrice = Decimal(string: "30.0125")
        order.items[1].unitPrice = Decimal(string: "12.115")
        let product = try Self.centra(order)["products"]?.arrayValue
        #expect(product?[0].objectValue?["unitPrice"] == .number("30.01"))
        #expect(product?[1].objectValue?["unitPrice"] == .number("12.12"))
        let notes = OrderValidator(dialect: .centra).conversions(order)
        #expect(notes.map(\.field) == ["items[0].unitPrice", "items[1].unitPrice"])
        #expect(notes[0].message.contains("30.0125 goes to Centra as 30.01"))
    }

    @Test func centraOrderNumberFollowsTheSetting() throws {
        var order = try CentraCodec().decodeRequest(try Fixtures.json("centra-vendor.json"))[0]
        #expect(order.externalId == "web-88121" && order.centra?.orderNumber == "88121")
        #expect(try Self.centra(order)["orderNumber"] == .number("88121"))
        #expect(try Self.centra(order, EncodeOptions(mode: .complete, centraOrderNumber: .none))["orderNumber"] == nil)
        order.externalId = "5001"
        order.centra?.orderNumber = nil
        #expect(try Self.centra(order)["orderNumber"] == .number("5001"))
        #expect(try Self.centra(order, EncodeOptions(mode: .complete, centraOrderNumber: .externalId))["orderNumber"] == .number("5001"))
    }

    @Test func centraTopLevelSettingsFillOnlyWhatTheOrderLeavesOpen() throws {
        let orders = try CentraCodec().decodeRequest(try Fixtures.json("centra-vendor.json"))
        var options = EncodeOptions(mode: .complete)
        options.centra.pricelist = "EUR Retail"
        options.centra.sendEmail = true
        options.centra.createOnly = true
        let own = try Self.centra(orders[0], options)
        #expect(own["pricelist"] == .string("SEK Retail") && own["sendEmail"] == .bool(false))
        let other = try Self.centra(orders[1], options)
        #expect(other["pricelist"] == .string("EUR Retail") && other["sendEmail"] == .bool(true) && other["createOnly"] == .bool(true))
    }

    @Test func centraProductsBySizeIdStayIntegers() throws {
        let orders = try CentraCodec().decodeRequest(try Fixtures.json("centra-vendor.json"))
        #expect(orders[0].items[0].productId == "4411")
        let products = try Self.centra(orders[0])["products"]?.arrayValue
        #expect(products?[0].objectValue?["id"] == .number("4411"))
        #expect(products?[1].objectValue?["ean"] == .string("07350012345678"))
        #expect(orders[0].shippingCost == 49)
        #expect(orders[0].billingAddress?.phone == .text("+46 8 123 45 67") && orders[0].shippingAddress?.cell == .text("+46 70 123 45 67"))
    }

    @Test func dropdayReadsBothShippingFormsAndSendsBoth() throws {
        let order = try DropdayCodec().decodeRequest(try Fixtures.json("dropday-shipping.json"))[0]
        #expect(order.shippingCost == nil && order.shipping?.cost == Decimal(string: "6.95") && order.shippingDue == Decimal(string: "6.95"))
        #expect(order.items[0].purchasePrice == Decimal(string: "11.20"))
        #expect(OrderValidator(dialect: .dropday).validate(order).isEmpty)
        let sent = try #require(DropdayCodec().encodeOrder(order, options: EncodeOptions(mode: .complete)).objectValue)
        #expect(sent["shipping_cost"] == .number("6.95"))
        #expect(sent["shipping"]?.objectValue?["cost"] == .number("6.95"))
        #expect(sent["shipping"]?.objectValue?["delivery_date"] == .string("03-04-2026"))
        // The shipping cost reaches the other targets too.
        let omnia = try OmniaCodec().encodeRequest([order], options: EncodeOptions(mode: .complete))
        #expect(omnia.objectValue?["orders"]?.arrayValue?[0].objectValue?["shippingCosts"] == .number("6.95"))
    }

    @Test func dropdayTestSwitchMakesTestOrdersAndNeverTheOtherWay() throws {
        var order = try DropdayCodec().decodeRequest(try Fixtures.json("dropday-seed.json"))[0]
        order.test = false
        #expect(DropdayCodec().encodeOrder(order, options: EncodeOptions(mode: .complete, dropdayTest: true)).objectValue?["test"] == .bool(true))
        order.test = true
        #expect(DropdayCodec().encodeOrder(order, options: EncodeOptions(mode: .complete, dropdayTest: false)).objectValue?["test"] == .bool(true))
    }

    @Test func omniaRefusesStrayFieldsAndDatesWithoutATime() throws {
        var body = try Fixtures.json("omnia-strict.json")
        guard case .object(var top) = body, case .array(var list)? = top["orders"], case .object(var first) = list[0] else { Issue.record(); return }
        first["color"] = "red"
        first["creationDate"] = "2026-04-02"
        list[0] = .object(first)
        top["orders"] = .array(list)
        body = .object(top)
        let order = try OmniaCodec().decodeRequest(body)[0]
        let issues = OrderValidator(dialect: .omnia).validate(order)
        #expect(issues.contains { $0.code == "unknown_field" && $0.field == "color" && $0.message.contains("color") })
        #expect(issues.contains { $0.field == "orderDate" && $0.message.contains("full date and time") })
    }

    @Test(arguments: [("2026-04-02T10:15:00+02:00", "2026-04-02T08:15:00Z"), ("2026-01-01T00:30:00.999+01:00", "2025-12-31T23:30:00Z"),
                      ("2024-02-29T23:00:00-05:00", "2024-03-01T04:00:00Z"), ("2026-04-02T08:15:00Z", "2026-04-02T08:15:00Z"),
                      ("2026-04-02T10:15:00+0530", "2026-04-02T04:45:00Z"), ("2026-04-02T08:15:00.5Z", "2026-04-02T08:15:00Z"),
                      ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"), ("9999-12-31T23:00:00-05:00", "10000-01-01T04:00:00Z")])
    func cropsterDatesGoInUTCWholeSeconds(given: String, sent: String) throws {
        #expect(UTCTimestamp.normalized(given) == sent)
        var order = Order(externalId: "A", items: [OrderItem()])
        order.orderDate = given
        let body = try CropsterCodec().encodeRequest([order], options: EncodeOptions(mode: .complete))
        #expect(body.objectValue?["data"]?.arrayValue?[0].objectValue?["orderDate"] == .string(sent))
        #expect(OrderValidator(dialect: .cropster).conversions(order).isEmpty == (given == sent))
    }

    @Test(arguments: ["2026-04-02", "2026-04-02T10:15:00", "tomorrow"])
    func datesWithoutAZoneAreNotGuessed(given: String) {
        #expect(UTCTimestamp.normalized(given) == nil)
    }

    @Test(arguments: [
        ("order_number_field = \"orderNumber\"", "order_number_field is gone"),
        ("order_number = \"sometimes\"", "must be one of \"auto\", \"external_id\", \"none\""),
        ("test = \"yes\"", "is a setting of dropday targets"),
        ("send_email = \"yes\"", "must be true or false"),
    ])
    func targetSettingsAreCheckedForTheirDialect(line: String, message: String) {
        let text = "[targets.c]\ndialect = \"centra\"\nbase_url = \"https://shop.example.com/api\"\n\(line)\n"
        #expect {
            try ConfigLoader.parse(text, path: "docket.toml")
        } throws: { error in
            (error as? DocketError)?.message.contains(message) == true
        }
    }

    @Test func settingsReachTheEncoder() throws {
        let text = """
            [targets.c]
            dialect = "centra"
            base_url = "https://shop.example.com/api"
            order_number = "none"
            send_email = false
            [targets.d]
            dialect = "dropday"
            base_url = "https://dropday.io/api/v1"
            test = true
            """
        let config = try ConfigLoader.parse(text, path: "docket.toml")
        #expect(config.targets["c"]?.encodeOptions.centraOrderNumber == CentraOrderNumber.none)
        #expect(config.targets["c"]?.encodeOptions.centra.sendEmail == false)
        #expect(config.targets["d"]?.encodeOptions.dropdayTest == true)
        // The plugins' base URL form and the bare host reach the same endpoint.
        #expect(try SubmissionEngine.url(for: config.targets["d"]!).url == "https://dropday.io/api/v1/orders")
    }
}

@Suite struct IntegerRangeTests {
    @Test(arguments: ["120000000000000000000000000000", "9223372036854775808", "2147483648"])
    func quantitiesBeyondTheTargetsIntegersAreLocalErrors(quantity: String) throws {
        let body = try JSONParser.parse(#"{"data":[{"externalId":"A","orderDate":"2026-01-01T00:00:00Z","orderItems":[{"sku":"S","quantity":\#(quantity)}]}]}"#)
        let order = try CropsterCodec().decodeRequest(body)[0]
        let issues = OrderValidator(dialect: .cropster).validate(order)
        #expect(issues.contains { $0.field == "items[0].quantity" && $0.message.contains("at most 2147483647") })
    }
}
