import Foundation
import Testing
@testable import DocketCore

@Suite struct ValidationTests {
    static let seeds: [(String, Dialect)] = [
        ("cropster-seed.json", .cropster), ("centra-seed.json", .centra), ("dropday-seed.json", .dropday),
        ("mirakl-example.json", .mirakl), ("omnia-example.json", .omnia),
    ]

    func fields(_ issues: [OrderIssue]) -> Set<String> { Set(issues.compactMap(\.field)) }

    @Test(arguments: seeds)
    func documentExamplesPassTheirOwnDialect(file: String, dialect: Dialect) throws {
        let orders = try dialect.codec.decodeRequest(try Fixtures.json(file)).filter { $0.externalId != "a1" }
        for order in orders {
            #expect(OrderValidator(dialect: dialect).validate(order) == [], "\(order.externalId)")
        }
    }

    @Test(arguments: Dialect.allCases)
    func generatedOrdersPassEveryDialect(dialect: Dialect) {
        var g = OrderGenerator(seed: 11)
        let orders = (0..<20).map { g.order($0) }
        #expect(OrderValidator(dialect: dialect).validate(orders).isEmpty)
    }

    @Test func cropsterRulesNameCanonicalFields() throws {
        var order = try CropsterCodec().decodeRequest(try Fixtures.json("cropster-seed.json"))[0]
        order.orderDate = "2026-01-01"
        order.customer?.type = "retail"
        order.items[0].quantity = Decimal(string: "2.5")
        var second = OrderItem()
        second.quantity = 0
        order.items.append(second)
        let issues = OrderValidator(dialect: .cropster).validate(order)
        #expect(fields(issues) == ["orderDate", "customer.type", "items[0].quantity", "items[1].sku", "items[1].quantity"])
        let quantity = try #require(issues.first { $0.field == "items[0].quantity" })
        #expect(quantity.message.contains("whole number above 0"))
        #expect(quantity.message.contains("orderItems[0].quantity"))
    }

    @Test func emptyItemListsAreRefused() {
        for dialect in Dialect.allCases {
            let issues = OrderValidator(dialect: dialect).validate(Order(externalId: "E"))
            #expect(issues.contains { $0.field == "items" && $0.code == "empty" }, "\(dialect)")
        }
    }

    @Test func miraklAddressAndCountryRules() throws {
        var order = try MiraklCodec().decodeRequest(try Fixtures.json("mirakl-example.json"))[0]
        order.billingAddress?.city = nil
        order.billingAddress?.countryIso3 = "FR"
        order.items[0].lineStatus = "LOST"
        let issues = OrderValidator(dialect: .mirakl).validate(order)
        #expect(fields(issues) == ["billingAddress.city", "billingAddress.countryIso3", "items[0].lineStatus"])
    }

    @Test func miraklLineIdsMustBeUniqueAcrossOrders() throws {
        let a = try MiraklCodec().decodeRequest(try Fixtures.json("mirakl-example.json"))[0]
        var b = a
        b.externalId = "MK-1002"
        let result = OrderValidator(dialect: .mirakl).validate([a, b])
        #expect(result["MK-1001"] == nil)
        #expect(result["MK-1002"]?.first?.code == "duplicate_line")
        #expect(result["MK-1002"]?.first?.message.contains("MK-1001") == true)
    }

    @Test func miraklOriginComesFromTheOrderOrTheTarget() throws {
        var order = try MiraklCodec().decodeRequest(try Fixtures.json("mirakl-example.json"))[0]
        order.origin = nil
        #expect(fields(OrderValidator(dialect: .mirakl).validate(order)) == ["origin"])
        let options = EncodeOptions(defaultOrigin: Origin(channelId: "C", channelStoreId: "S"))
        #expect(OrderValidator(dialect: .mirakl, options: options).validate(order).isEmpty)
    }

    @Test func omniaCurrencyAndKnownProducts() throws {
        var order = try OmniaCodec().decodeRequest(try Fixtures.json("omnia-example.json"))[0]
        order.currency = "EU"
        let validator = OrderValidator(dialect: .omnia, knownProducts: ["CPID-1"])
        let issues = validator.validate(order)
        #expect(fields(issues) == ["currency", "items[1].productId"])
        #expect(issues.contains { $0.code == "unknown_product" && $0.message.contains("CPID-2") })
    }

    @Test func centraCountryLengthAndProductCodes() throws {
        var order = try CentraCodec().decodeRequest(try Fixtures.json("centra-seed.json"))[0]
        order.billingAddress?.country = "SWE"
        order.items[1].sku = nil
        let issues = OrderValidator(dialect: .centra).validate(order)
        #expect(fields(issues) == ["billingAddress.country", "items[1].sku"])
        #expect(issues[1].message.contains("size id, ean or sku"))
    }

    @Test func dropdayAddressFields() throws {
        var order = try DropdayCodec().decodeRequest(try Fixtures.json("dropday-seed.json"))[0]
        order.shippingAddress?.firstName = ""
        order.items[0].ean = .text("0723-5211")
        let issues = OrderValidator(dialect: .dropday).validate(order)
        #expect(fields(issues) == ["shippingAddress.firstName", "items[0].ean"])
    }

    @Test func crossDialectValidationListsWhatIsMissing() throws {
        let order = try CropsterCodec().decodeRequest(try Fixtures.json("cropster-seed.json"))[0]
        let missing = fields(OrderValidator(dialect: .mirakl).validate(order))
        #expect(missing.isSuperset(of: ["fulfillment", "items[0].lineId", "items[0].name", "shipping", "origin"]))
        #expect(!missing.contains("externalId"))
        #expect(!missing.contains("orderDate"))
    }

    @Test(arguments: [
        ("2026-01-01T01:11:00Z", true), ("2026-02-29T00:00:00Z", false), ("2028-02-29", true), ("2026-13-01T00:00:00Z", false),
        ("2026-01-01T24:00:00Z", false), ("2026-01-01T10:00:00+02:00", true), ("2026-01-01T10:00:00.123Z", true),
        ("2026-01-01T10:00", true), ("01/02/2026", false), ("2026-01-01T10:00:00+0200", true), ("2026-01-01Z", false),
    ])
    func iso8601(text: String, valid: Bool) {
        #expect(ISO8601.isValid(text) == valid)
    }

    @Test func vendorFieldReferencesMapToCanonicalPaths() {
        #expect(FieldPaths.of(.mirakl).canonical("order_lines[0].product.title") == "items[0].name")
        #expect(FieldPaths.of(.mirakl).canonical("order_lines[2].adjustments[1].reason") == "items[2].adjustments[1].reason")
        #expect(FieldPaths.of(.mirakl).canonical("billing_info.address.zip_code") == "billingAddress.zip")
        #expect(FieldPaths.of(.dropday).canonical(FieldPaths.dottedToBrackets("products.0.external_id")) == "items[0].productId")
        #expect(FieldPaths.of(.dropday).canonical("shipping_address.firstname") == "shippingAddress.firstName")
        #expect(FieldPaths.of(.centra).canonical("products[1].qty") == "items[1].quantity")
        #expect(FieldPaths.of(.centra).canonical("orderNumber") == "centra.orderNumber")
        #expect(FieldPaths.of(.centra).canonical("invoiceAddress.tele") == "billingAddress.phone")
        #expect(FieldPaths.of(.centra).canonical("products[0].id") == "items[0].productId")
        #expect(FieldPaths.of(.dropday).canonical("shipping.delivery_date") == "shipping.deliveryDay")
        #expect(FieldPaths.of(.omnia).canonical("items[3].itemId") == "items[3].productId")
        #expect(FieldPaths.of(.cropster).canonical("orderItems[4].sku") == "items[4].sku")
    }

    /// The number rules read plain numbers from their text; each must
    /// agree with the same rules read through `Decimal`.
    @Test(arguments: ["0", "-0", "0.0", "-0.00", "7", "-7", "1.5", "-1.5", "2.000", "0.25", "00012", "2147483647", "2147483648",
                      "-2147483648", "-2147483647", "21474836470", "2147483647.0", "2147483647.5", "99999999999999999999.1",
                      "12345678901234567890123456789012345678"])
    func numberShapeFromTextAgreesWithDecimal(text: String) throws {
        let fast = try #require(NumberShape(text: text))
        let slow = NumberShape(try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))))
        #expect(fast.negative == slow.negative)
        #expect(fast.zero == slow.zero)
        #expect(fast.whole == slow.whole)
        #expect(fast.beyondInt32 == slow.beyondInt32)
    }

    /// Texts the quick reading leaves to `Decimal`, or that are no number.
    @Test(arguments: ["1e5", "1E-2", "", "-", ".5", "-.5", "5.", "1.2.3", "--1", "+1", "1-", " 1", "0x10",
                      "123456789012345678901234567890123456789"])
    func numberShapeLeavesOtherTextsAlone(text: String) {
        #expect(NumberShape(text: text) == nil)
    }

    @Test func numberRulesNameTheirProblem() throws {
        func codes(_ n: String, _ rule: RuleChecker.NumberRule) -> [String] {
            var c = RuleChecker(dialect: .cropster, paths: FieldPaths.of(.cropster))
            c.number(JSONObject([.init("n", .number(n))]), "n", at: "", rule)
            return c.vendorIssues.map(\.text)
        }
        #expect(codes("-1", .nonNegative) == ["must be 0 or more, not -1"])
        #expect(codes("-0", .nonNegative).isEmpty)
        #expect(codes("0", .positiveInteger) == ["must be a whole number above 0, not 0"])
        #expect(codes("1.5", .positiveInteger) == ["must be a whole number above 0, not 1.5"])
        #expect(codes("2.0", .positiveInteger).isEmpty)
        #expect(codes("2147483648", .positiveInteger) == ["2147483648 is more than the target's whole numbers hold (at most 2147483647)"])
        #expect(codes("-2147483648", .integer) == ["-2147483648 is more than the target's whole numbers hold (at most 2147483647)"])
        #expect(codes("1e3", .integer).isEmpty)
        #expect(codes("1e-3", .integer) == ["must be a whole number, not 1e-3"])
        #expect(codes("1e999", .any) == ["1e999 is beyond the numbers the target holds"])
    }

    @Test func letterCodesHoldExactlyTheirCodes() {
        #expect(ISOCodes.currencies.contains("EUR"))
        #expect(ISOCodes.alpha2.contains("NL"))
        #expect(ISOCodes.alpha3.contains("NLD"))
        #expect(ISOCodes.alpha3.contains("ZWE"))
        #expect(!ISOCodes.alpha2.contains("NLD"))
        #expect(!ISOCodes.alpha3.contains("NL"))
        #expect(!ISOCodes.alpha2.contains("nl"))
        #expect(!ISOCodes.currencies.contains("EURO"))
        #expect(!ISOCodes.currencies.contains(""))
        #expect(!ISOCodes.alpha2.contains("ZZ"))
        #expect(!ISOCodes.alpha3.contains("É"))
    }

    /// Ids and line ids across a selection: every repeat is found with what
    /// its text was first seen with, through many growths of the table.
    @Test func seenTextsFindEveryRepeatAndNothingElse() {
        var seen = SeenTexts<Int>()
        for i in 0..<20_000 { #expect(seen.insert("line-\(i)", i) == nil) }
        #expect(seen.insert("", -1) == nil)
        #expect(seen.insert("", -2) == -1)
        var found = 0
        for i in stride(from: 0, to: 20_000, by: 7) where seen.insert("line-\(i)", -1) == i { found += 1 }
        #expect(found == (20_000 + 6) / 7)
        #expect(seen.insert("line-20000", 0) == nil)
        #expect(seen.insert("Line-1", 0) == nil)
    }
}
