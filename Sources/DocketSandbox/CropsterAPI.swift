import DocketCore
import Foundation

/// Cropster Set Orders: upsert by externalId, OPEN orders only, orderDate
/// kept on update, at most 50 orders, all-or-nothing 422.
extension SandboxState {
    static func cropsterError(_ status: Int, _ code: String, _ message: String) -> SandboxReply {
        SandboxReply(status: status, body: ["ok": false, "error": ["code": .string(code), "message": .string(message)]])
    }

    func cropsterSetOrders(_ r: SandboxRequest) -> SandboxReply {
        guard validBearer(r) else { return Self.cropsterError(401, "unauthorized", "Missing, invalid or expired access token") }
        guard let body = try? JSONParser.parse(r.body), var list = body.objectValue?["data"]?.arrayValue else {
            return Self.cropsterError(400, "invalid_parameter", "The request body must be an object with a data array")
        }
        guard list.count <= 50 else {
            return Self.cropsterError(400, "invalid_parameter", "You can only submit 50 orders at once, not \(list.count)")
        }
        // A date with an offset (the vendor example's) is taken and kept in
        // UTC, the form Cropster documents.
        for i in list.indices {
            if var o = list[i].objectValue, let date = o["orderDate"]?.stringValue, let utc = UTCTimestamp.normalized(date) {
                o["orderDate"] = .string(utc)
                list[i] = .object(o)
            }
        }
        var details: [JSONValue] = []
        var seen: Set<String> = []
        for (i, element) in list.enumerated() {
            guard let o = element.objectValue else {
                details.append(detail("invalid_parameter", "data[\(i)] must be an object", index: i, id: nil, field: "data[\(i)]"))
                continue
            }
            let id = o["externalId"]?.stringValue
            for issue in OrderValidator.vendorIssues(.cropster, order: o, request: body.objectValue) {
                details.append(detail("invalid_parameter", "\(issue.path) \(issue.text)", index: i, id: id, field: "data[\(i)].\(issue.path)"))
            }
            if let id {
                if !seen.insert(id).inserted {
                    details.append(detail("duplicate_external_id", "externalId \(id) appears twice in the request", index: i, id: id, field: "data[\(i)].externalId"))
                }
                if let existing = cropster[id], existing.status != "OPEN" {
                    details.append(detail("order_not_open", "Order \(id) is \(existing.status) and can no longer be updated", index: i, id: id, field: nil))
                }
            }
        }
        if !details.isEmpty {
            return SandboxReply(status: 422, body: ["ok": false, "error": [
                "code": "bulk_operation_failed", "message": "One or multiple items are invalid. No changes were saved.",
                "data": ["details": .array(details)],
            ]])
        }
        var synced: [JSONValue] = []
        for element in list {
            let o = element.objectValue!
            let id = o["externalId"]!.stringValue!
            if var existing = cropster[id] {
                existing.body = o  // orderDate is never changed by an update
                cropster[id] = existing
            } else {
                cropster[id] = CropsterOrder(id: UUID().uuidString.lowercased(), status: "OPEN",
                                             orderDate: o["orderDate"]?.stringValue ?? "", body: o)
            }
            synced.append(["id": .string(cropster[id]!.id), "externalId": .string(id)])
        }
        return SandboxReply(status: 200, body: ["ok": true, "result": ["syncedOrders": .array(synced)]], saved: true)
    }

    /// A 422 detail; with the anonymous fault it names no order, as the
    /// document allows.
    func detail(_ code: String, _ message: String, index: Int, id: String?, field: String?) -> JSONValue {
        var d = JSONObject([.init("code", .string(code)), .init("message", .string(message))])
        if !options.faults.anonymousDetails {
            if let id { d["externalId"] = .string(id) }
            if let field { d["field"] = .string(field) }
        }
        return .object(d)
    }
}
