import DocketCore
import Foundation

/// Omnia PUT orders in bulk: Basic or Bearer, version "3", no duplicated
/// orderId, at most 10,000 orders, item ids known to the contract,
/// all-or-nothing 400 without an order index, 201 with the saved ids.
extension SandboxState {
    static func omniaError(_ message: String, code: String = "request.invalid", status: Int = 400) -> SandboxReply {
        SandboxReply(status: status, body: ["errors": [["code": .string(code), "message": .string(message)]]])
    }

    func omniaAuthorized(_ r: SandboxRequest) -> Bool {
        guard let h = r.header("Authorization") else { return false }
        if h == "Bearer \(options.omniaToken)" { return true }
        guard h.hasPrefix("Basic "), let decoded = Data(base64Encoded: String(h.dropFirst(6))).flatMap({ String(data: $0, encoding: .utf8) }) else { return false }
        return decoded == "\(options.omniaUser.0):\(options.omniaUser.1)"
    }

    func omniaPut(_ r: SandboxRequest, contract: String) -> SandboxReply {
        guard omniaAuthorized(r) else { return Self.omniaError("Authentication is required", code: "auth.invalid", status: 401) }
        guard options.omniaContracts.contains(contract) || omnia[contract] != nil || omniaProducts[contract] != nil else {
            return Self.omniaError("Contract \(contract) was not found", code: "resource.notFound", status: 404)
        }
        guard let body = try? JSONParser.parse(r.body), let top = body.objectValue else {
            return Self.omniaError("The provided request data is invalid")
        }
        guard top["version"] == .string("3") else { return Self.omniaError("The version of the request body must be \"3\"") }
        guard let list = top["orders"]?.arrayValue else { return Self.omniaError("orders is required") }
        guard list.count <= 10_000 else { return Self.omniaError("The number of orders in one request must not exceed 10,000") }
        var errors: [JSONValue] = OrderValidator.vendorRequestIssues(.omnia, request: top).map {
            ["code": "request.invalid", "message": .string("\($0.path) \($0.text)")]
        }
        var seen: Set<String> = []
        let products = omniaProducts[contract]
        for element in list {
            guard let o = element.objectValue else { errors.append(["code": "request.invalid", "message": "An order must be an object"]); continue }
            for issue in OrderValidator.vendorIssues(.omnia, order: o, request: top) {
                let path = "orders." + issue.path.replacingOccurrences(of: #"\[\d+\]"#, with: "", options: .regularExpression)
                errors.append(["code": "request.invalid", "message": .string("\(path) \(issue.text)")])
            }
            if let id = o["orderId"]?.stringValue, !seen.insert(id).inserted {
                errors.append(["code": "request.invalid", "message": "Requests must not contain duplicated orderId"])
            }
            if let products {
                for item in o["items"]?.arrayValue ?? [] {
                    if let itemId = item.objectValue?["itemId"]?.stringValue, !products.contains(itemId) {
                        errors.append(["code": "resource.invalid", "message": .string("The itemId \(itemId) does not correspond to a customerProductId of this contract")])
                    }
                }
            }
        }
        if !errors.isEmpty { return SandboxReply(status: 400, body: ["errors": .array(errors)]) }
        var ids: [JSONValue] = []
        for element in list {
            let o = element.objectValue!
            let id = o["orderId"]!.stringValue!
            omnia[contract, default: [:]][id] = o  // an existing order and its items are overwritten
            ids.append(.string(id))
        }
        return SandboxReply(status: 201, body: ["data": ["ids": .array(ids)]], saved: true)
    }
}
