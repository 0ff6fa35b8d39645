import DocketCore
import Foundation

/// Mirakl Connect upsertOrders: all-or-nothing 400 with JsonPath fields, 204
/// on success, full replacement, stale `channel_updated_at` silently ignored.
extension SandboxState {
    func miraklUpsert(_ r: SandboxRequest) -> SandboxReply {
        guard validBearer(r) else {
            return SandboxReply(status: 401, body: ["code": "UNAUTHORIZED", "message": "Missing, invalid or expired token"])
        }
        guard let body = try? JSONParser.parse(r.body), let top = body.objectValue, let list = top["orders"]?.arrayValue else {
            return SandboxReply(status: 400, body: ["code": "INVALID_REQUEST", "message": "The body must hold an orders array", "errors": []])
        }
        var errors: [JSONValue] = []
        var seenLines: [String: String] = [:]
        for (i, element) in list.enumerated() {
            guard let o = element.objectValue else {
                errors.append(["field": .string("$.orders[\(i)]"), "message": "must be an object", "extensions": [:]])
                continue
            }
            let id = o["channel_order_id"]?.stringValue ?? ""
            for issue in OrderValidator.vendorIssues(.mirakl, order: o, request: top) {
                let field = issue.path.hasPrefix("origin") ? "$.\(issue.path)" : "$.orders[\(i)].\(issue.path)"
                errors.append(["field": .string(field), "message": .string(issue.text), "extensions": ["code": .string(issue.code)]])
            }
            for (j, line) in (o["order_lines"]?.arrayValue ?? []).enumerated() {
                guard let lineId = line.objectValue?["channel_order_line_id"]?.stringValue else { continue }
                let owner = seenLines[lineId] ?? miraklLines[lineId]
                if let owner, owner != id || seenLines[lineId] != nil {
                    errors.append(["field": .string("$.orders[\(i)].order_lines[\(j)].channel_order_line_id"),
                                   "message": .string("channel_order_line_id \(lineId) is already used by order \(owner)"),
                                   "extensions": ["code": "DUPLICATE"]])
                }
                seenLines[lineId] = id
            }
        }
        if !errors.isEmpty {
            return SandboxReply(status: 400, body: ["code": "INVALID_REQUEST", "message": "The request contains invalid orders",
                                                    "errors": .array(errors)])
        }
        for element in list {
            let o = element.objectValue!
            let id = o["channel_order_id"]!.stringValue!
            let updated = o["channel_updated_at"]?.stringValue ?? ""
            // Older updates are accepted but not applied, as Mirakl does.
            if let existing = mirakl[id], existing.updatedAt > updated { continue }
            mirakl[id] = MiraklOrder(updatedAt: updated, body: o)
            for line in o["order_lines"]?.arrayValue ?? [] {
                if let lineId = line.objectValue?["channel_order_line_id"]?.stringValue { miraklLines[lineId] = id }
            }
        }
        return SandboxReply(status: 204, body: nil, saved: true)
    }

    public func miraklUpdatedAt(_ id: String) -> String? { mirakl[id]?.updatedAt }
}
