import DocketCore
import Foundation

/// Dropday Create an order: one order per request, idempotent by
/// external_id, 422 with dotted field keys (misspelling `firstname` as the
/// vendor's own example does).
extension SandboxState {
    func dropdayAuthorized(_ r: SandboxRequest) -> Bool {
        r.header("api-key") == options.dropdayKey && r.header("account-id") == options.dropdayAccount
    }

    func dropdaySummary(_ id: String, _ reference: Int) -> JSONValue {
        ["id": .number(String(reference)), "external_id": .string(id), "reference": .string(String(reference)),
         "test": .bool(dropdayTests.contains(id)), "blocked": false]
    }

    /// `GET /api/v1/orders`: filtered by a partial `external_id`, test
    /// orders only with `include_test=true`, at most `per_page` (≤ 100).
    func dropdayList(_ r: SandboxRequest) -> SandboxReply {
        guard dropdayAuthorized(r) else { return SandboxReply(status: 401, body: ["message": "Unauthorized"]) }
        let query = SandboxRequest.query(r.path)
        let perPage = min(100, max(1, query["per_page"].flatMap { Int($0) } ?? 50))
        let includeTest = query["include_test"] == "true" || query["include_test"] == "1"
        let matching = dropday.filter { id, _ in
            (query["external_id"].map { id.contains($0) } ?? true) && (includeTest || !dropdayTests.contains(id))
        }.sorted { $0.value > $1.value }
        let page = matching.prefix(perPage).map { dropdaySummary($0.key, $0.value) }
        return SandboxReply(status: 200, body: ["current_page": 1, "data": .array(page),
                                                "meta": ["current_page": 1, "per_page": .number(String(perPage)),
                                                         "total": .number(String(matching.count))]])
    }

    /// `GET /api/v1/orders/{reference}`.
    func dropdayOrder(_ r: SandboxRequest, reference: String) -> SandboxReply {
        guard dropdayAuthorized(r) else { return SandboxReply(status: 401, body: ["message": "Unauthorized"]) }
        guard let (id, ref) = dropday.first(where: { String($0.value) == reference }).map({ ($0.key, $0.value) }) else {
            return SandboxReply(status: 404, body: ["message": "Not Found", "error": .string("Order with reference '\(reference)' not found")])
        }
        return SandboxReply(status: 200, body: dropdaySummary(id, ref))
    }

    func dropdayCreate(_ r: SandboxRequest) -> SandboxReply {
        guard dropdayAuthorized(r) else {
            return SandboxReply(status: 401, body: ["message": "Unauthenticated."])
        }
        guard let o = (try? JSONParser.parse(r.body))?.objectValue else {
            return SandboxReply(status: 422, body: ["message": "Errors", "errors": ["body": ["The body must be a JSON order object."]]])
        }
        let issues = OrderValidator.vendorIssues(.dropday, order: o, request: nil)
        if !issues.isEmpty {
            var errors = JSONObject()
            for issue in issues {
                var key = issue.path.replacingOccurrences(of: #"\[(\d+)\]"#, with: ".$1", options: .regularExpression)
                if key == "shipping_address.first_name" { key = "shipping_address.firstname" }
                let words = key.replacingOccurrences(of: "_", with: " ")
                let text = issue.code == "required" ? "The \(words) field is required." : "The \(words) field \(issue.text)."
                var list = errors[key]?.arrayValue ?? []
                list.append(.string(text))
                errors[key] = .array(list)
            }
            return SandboxReply(status: 422, body: ["message": "Errors", "errors": .object(errors)])
        }
        let id = o["external_id"]!.stringValue!
        if let reference = dropday[id] {
            return SandboxReply(status: 200, body: ["message": "Order already exists", "reference": .number(String(reference))])
        }
        let reference = dropdayNext
        dropdayNext += 1
        dropday[id] = reference
        if o["test"] == .bool(true) { dropdayTests.insert(id) }
        return SandboxReply(status: 200, body: ["message": "Order created", "reference": .number(String(reference))], saved: true)
    }
}
