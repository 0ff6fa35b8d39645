import DocketCore
import DocketHTTP
import DocketSandbox
import Foundation
import Testing

enum TestFiles {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static func path(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
    static func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path(name)))) }
    /// The vendor's request schema, as the sandbox serves it.
    static func schema(_ dialect: Dialect) -> String {
        fixtures.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/DocketSandbox/Schemas/\(dialect.rawValue).schema.json").path
    }
}

extension Rig {
    /// Sends `body` as it stands to the target's endpoint, with its auth.
    func post(_ dialect: Dialect, _ body: [UInt8]) async throws -> HTTPResponseData {
        let target = targets[dialect]!
        let auth = try await Authenticator(auth: target.auth, transport: transport).headers()
        let endpoint = try SubmissionEngine.url(for: target)
        let request = HTTPRequestData(method: endpoint.method, url: endpoint.url, headers: [("Content-Type", "application/json")] + auth, body: body)
        return try await transport.send(request, timeout: 10)
    }
}

/// Docket against the vendors' published references, not against itself:
/// their examples go to the sandbox verbatim, and what Docket sends is held
/// to a JSON Schema written from each vendor's field table.
@Suite(.serialized) struct VendorContractTests {
    /// The seeds' and TARGETS.md's examples, and the bodies in the vendors'
    /// fuller shapes (../shared/vendor-examples), as published.
    static let published: [(String, Dialect)] = [
        ("cropster-seed.json", .cropster), ("cropster-offset-date.json", .cropster), ("centra-seed.json", .centra),
        ("centra-vendor.json", .centra), ("mirakl-example.json", .mirakl), ("omnia-example.json", .omnia),
        ("omnia-strict.json", .omnia), ("dropday-seed.json", .dropday), ("dropday-shipping.json", .dropday),
    ]

    @Test(arguments: published)
    func theSandboxAcceptsEveryPublishedExampleAsItStands(file: String, dialect: Dialect) async throws {
        let rig = try await Rig.start()
        let response = try await rig.post(dialect, try TestFiles.bytes(file))
        await rig.stop()
        let body = try? JSONParser.parse(response.body).objectValue
        switch dialect {
        case .cropster: #expect(response.status == 200 && body?["ok"] == .bool(true), "\(String(decoding: response.body, as: UTF8.self))")
        case .mirakl: #expect(response.status == 204, "\(String(decoding: response.body, as: UTF8.self))")
        case .omnia: #expect(response.status == 201, "\(String(decoding: response.body, as: UTF8.self))")
        case .dropday: #expect(response.status == 200 && body?["message"] == .string("Order created"), "\(String(decoding: response.body, as: UTF8.self))")
        case .centra:
            #expect(response.status == 200)
            for member in body ?? JSONObject() {
                // The seed's second member is a placeholder ({"...": "..."}):
                // an empty order, which Centra answers -3.
                if member.key == "a1" {
                    #expect(member.value.objectValue?["code"] == .number("-3"))
                } else {
                    #expect(member.value.objectValue?["status"] == .string("ok"), "\(member.key): \(JSONWriter.string(member.value))")
                }
            }
        }
    }

    @Test(arguments: published)
    func importedThenSentItIsWhatTheVendorsTableAllowsAndItIsTaken(file: String, dialect: Dialect) async throws {
        let rig = try await Rig.start()
        var orders = try dialect.codec.decodeRequest(try JSONParser.parse(TestFiles.bytes(file)))
        // The seed's placeholder order is not an order.
        orders.removeAll { $0.externalId == "a1" && dialect == .centra }
        let target = rig.targets[dialect]!
        let body = try target.requestBody(orders)
        let schema = try JSONSchema(file: TestFiles.schema(dialect))
        #expect(schema.problems(try JSONParser.parse(body)) == [], "\(String(decoding: body, as: UTF8.self))")
        if dialect == .cropster {
            // Cropster documents UTC whole seconds: that is what goes out.
            let dates = try JSONParser.parse(body).objectValue?["data"]?.arrayValue?.compactMap { $0.objectValue?["orderDate"]?.stringValue } ?? []
            #expect(dates.allSatisfy { $0.utf8.count == 20 && $0.hasSuffix("Z") }, "\(dates)")
        }
        let result = try await rig.submit(dialect, orders)
        #expect(result.values.allSatisfy { $0.outcome == .accepted }, "\(result.values.filter { $0.outcome != .accepted })")
        await rig.stop()
    }

    @Test(arguments: published)
    func importThenExportGivesTheBodyBack(file: String, dialect: Dialect) throws {
        let body = try JSONParser.parse(TestFiles.bytes(file))
        let orders = try dialect.codec.decodeRequest(body)
        #expect(try dialect.codec.encodeRequest(orders, options: EncodeOptions()) == body)
    }

    @Test func theSchemasCatchWhatTheVendorsRefuse() throws {
        let omnia = try JSONSchema(file: TestFiles.schema(.omnia))
        let stray: JSONValue = ["version": "3", "orders": [["orderId": "A", "shippingCosts": 0, "origin": "o", "creationDate": "2026-01-01",
                                                            "totalPrice": 1, "currency": "EUR", "color": "red",
                                                            "items": [["itemId": "I", "unitPrice": 1, "quantity": .number("1.5")]]]]]
        #expect(Set(omnia.problems(stray)) == ["$.orders[0].creationDate: \"2026-01-01\" is not a date-time",
                                               "$.orders[0].color: is not allowed",
                                               "$.orders[0].items[0].quantity: is a number, not integer"])
        let centra = try JSONSchema(file: TestFiles.schema(.centra))
        let old: JSONValue = ["k": ["orderId": "K", "email": "a@b.se", "country": "SE", "products": [["qty": 1, "sku": "S", "unitPrice": .number("30.0125")]]]]
        #expect(centra.problems(old).count == 5, "\(centra.problems(old))")
    }
}
