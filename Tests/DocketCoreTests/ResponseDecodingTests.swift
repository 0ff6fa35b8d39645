import Foundation
import Testing
@testable import DocketCore

@Suite struct ResponseDecodingTests {
    func response(_ status: Int, _ body: String, headers: [(name: String, value: String)] = []) -> HTTPResponseData {
        HTTPResponseData(status: status, headers: headers, body: Array(body.utf8))
    }

    var three: [Order] { ["A", "B", "C"].map { Order(externalId: $0) } }

    @Test func cropsterDetailsNameOrdersByIdIndexOrPath() {
        let body = #"{"ok":false,"error":{"code":"bulk_operation_failed","message":"No changes were saved.","data":{"details":[{"code":"x","index":1},{"code":"y","field":"$.data[2].orderItems[0].quantity","message":"must be > 0"}]}}}"#
        let verdict = CropsterResponse().decode(response(422, body), orders: three, options: EncodeOptions())
        guard case .refusedNamed(let named) = verdict else { Issue.record("\(verdict)"); return }
        #expect(Set(named.keys) == ["B", "C"])
        #expect(named["C"]?.first?.field == "items[0].quantity")
        let anonymous = CropsterResponse().decode(response(422, #"{"ok":false,"error":{"code":"bulk_operation_failed","message":"m","data":{"details":[{"code":"invalid_parameter"}]}}}"#), orders: three, options: EncodeOptions())
        if case .refusedUnnamed = anonymous {} else { Issue.record("\(anonymous)") }
    }

    @Test func retryAfterAndServerErrorsAreRetried() {
        let v = CentraResponse().decode(response(429, "{}", headers: [("Retry-After", "3")]), orders: three, options: EncodeOptions())
        #expect(v == .retry(reason: "HTTP 429: {}", retryAfter: 3))
        if case .retry = OmniaResponse().decode(response(503, ""), orders: three, options: EncodeOptions()) {} else { Issue.record("503") }
        if case .unauthorized = MiraklResponse().decode(response(401, "{}"), orders: three, options: EncodeOptions()) {} else { Issue.record("401") }
    }

    @Test func unknownFieldsAndEnumValuesDoNotBreakDecoding() {
        let body = #"{"A":{"status":"ok","orders":[1],"newField":{"x":1}},"B":{"status":"no","code":-99,"msg":"future code"},"C":{"status":"maybe"}}"#
        guard case .perOrder(let map) = CentraResponse().decode(response(200, body), orders: three, options: EncodeOptions(mode: .complete)) else {
            Issue.record("not per order"); return
        }
        #expect(map["A"]?.outcome == .accepted)
        #expect(map["A"]?.remoteIds == ["1"])
        #expect(map["B"]?.outcome == .rejected)
        // Neither "ok" nor "no": no word on the order.
        #expect(map["C"]?.outcome == .unknown)
    }

    @Test func miraklErrorsWithoutAnOrderAreUnnamed() {
        let body = #"{"code":"INVALID","message":"bad","errors":[{"field":"$.origin.channel_id","message":"is required"}]}"#
        guard case .refusedUnnamed(let issues) = MiraklResponse().decode(response(400, body), orders: three, options: EncodeOptions()) else {
            Issue.record("expected unnamed"); return
        }
        #expect(issues.first?.field == "origin.channelId")
    }

    @Test(arguments: [
        ("$.orders[3].order_lines[0].product.title", "orders", 3, "order_lines[0].product.title"),
        ("data.2.orderItems.1.sku", "data", 2, "orderItems[1].sku"),
        ("/data/4/orderDate", "data", 4, "orderDate"),
        ("$.data[0]", "data", 0, ""),
    ])
    func listPathsSplitIntoOrderAndField(path: String, list: String, index: Int, rest: String) {
        let split = splitListPath(path, list: list)
        #expect(split?.0 == index)
        #expect(split?.1 == rest)
    }

    @Test func omniaErrorsAboutOneOrdersItemNameItsField() {
        var order = Order(externalId: "O-1")
        var a = OrderItem(), b = OrderItem()
        a.productId = "CUP-ESP-01"
        b.sku = "RETIRED-33"
        order.items = [a, b]
        let body = #"{"errors":[{"code":"resource.invalid","message":"The itemId RETIRED-33 does not correspond to a customerProductId of this contract"},{"code":"request.invalid","message":"The provided request data is invalid"}]}"#
        guard case .refusedUnnamed(let issues) = OmniaResponse().decode(response(400, body), orders: [order], options: EncodeOptions()) else {
            Issue.record("not refused"); return
        }
        #expect(issues.map(\.field) == ["items[1].sku", nil])
        // Several orders: the message cannot be pinned on one of them yet.
        guard case .refusedUnnamed(let many) = OmniaResponse().decode(response(400, body), orders: [order, Order(externalId: "O-2")], options: EncodeOptions()) else {
            Issue.record("not refused"); return
        }
        #expect(many.allSatisfy { $0.field == nil })
        // An id that is only part of a longer word is not a match.
        var other = order
        other.items[1].sku = "RETIRED-3"
        guard case .refusedUnnamed(let partial) = OmniaResponse().decode(response(400, body), orders: [other], options: EncodeOptions()) else {
            Issue.record("not refused"); return
        }
        #expect(partial.first?.field == nil)
    }
}
