import DocketCore
import Foundation

/// Centra Batch Create Orders: per-order answers under the request's own
/// names, codes -1 to -7.
extension SandboxState {
    func centraOrders(_ r: SandboxRequest) -> SandboxReply {
        guard r.header(options.centraHeader) == options.centraSecret else {
            return SandboxReply(status: 401, body: ["status": "no", "msg": .string("Unauthorized: missing or wrong \(options.centraHeader) header")])
        }
        guard let keyed = (try? JSONParser.parse(r.body))?.objectValue else {
            return SandboxReply(status: 400, body: ["status": "no", "msg": "The request body must be a JSON object of named orders"])
        }
        var answers = JSONObject()
        var saved = false
        for member in keyed {
            answers[member.key] = centraOrder(member.value.objectValue, saved: &saved)
        }
        return SandboxReply(status: 200, body: .object(answers), saved: saved)
    }

    /// `GET /orders?order=N`: the order with that number, if there is one.
    func centraLookup(_ r: SandboxRequest) -> SandboxReply {
        guard r.header(options.centraHeader) == options.centraSecret else {
            return SandboxReply(status: 401, body: ["status": "no", "msg": .string("Unauthorized: missing or wrong \(options.centraHeader) header")])
        }
        let query = SandboxRequest.query(r.path)
        var found: [JSONValue] = []
        if let wanted = query["order"] {
            for (number, created) in centraOrders where String(created) == wanted || number == wanted {
                found.append(["order": .number(String(created)), "orderNumber": .number(String(created)), "status": "1"])
            }
        } else {
            let limit = query["limit"].flatMap { Int($0) } ?? 20, offset = query["offset"].flatMap { Int($0) } ?? 0
            found = centraOrders.values.sorted().dropFirst(offset).prefix(limit).map { ["order": .number(String($0)), "orderNumber": .number(String($0)), "status": "1"] }
        }
        return SandboxReply(status: 200, body: ["status": "ok", "orders": .array(found)])
    }

    func centraOrder(_ o: JSONObject?, saved: inout Bool) -> JSONValue {
        func no(_ code: Int, _ msg: String) -> JSONValue { ["status": "no", "code": .number(String(code)), "msg": .string(msg)] }
        guard let o else { return no(-7, "The order must be an object") }
        let products = o["products"]?.arrayValue ?? []
        if products.isEmpty { return no(-3, "Order is empty") }
        let issues = OrderValidator.vendorIssues(.centra, order: o, request: nil)
        if let first = issues.first { return no(-4, "\(first.path) \(first.text)") }
        // The only number Centra compares: its integer orderNumber.
        let number = o["orderNumber"].flatMap(scalar)
        if let number, centraOrders[number] != nil { return no(-5, "An order with order number \(number) already exists") }
        var needed: [String: Int] = [:]
        for p in products {
            let product = p.objectValue
            let code = product?["sku"]?.stringValue ?? product?["ean"].flatMap(scalar) ?? product?["id"].flatMap(scalar) ?? ""
            if let catalogue = centraProducts, !catalogue.contains(code) {
                return no(-1, "Product \(code) cannot be added: it is not active in this market and pricelist")
            }
            needed[code, default: 0] += p.objectValue?["qty"].flatMap(scalar).flatMap { Int($0) } ?? 0
        }
        for (code, qty) in needed {
            if let stock = centraStock[code], stock < qty { return no(-2, "Product \(code) is missing stock (\(stock) left, \(qty) ordered)") }
        }
        for (code, qty) in needed { if let stock = centraStock[code] { centraStock[code] = stock - qty } }
        // An order sent with its number keeps it as Centra's order number.
        let created = number.flatMap { Int($0) } ?? nextCentra()
        centraOrders[number ?? "centra-\(created)"] = created
        saved = true
        if o["createOnly"] == .bool(true) { return ["status": "ok", "order": .number(String(created))] }
        return ["status": "ok", "orders": [.number(String(created))]]
    }
}
