import DocketCore
import Foundation

/// Dropday Create an order: one order per request, idempotent by
/// external_id, 422 with dotted field keys (misspelling `firstname` as the
/// vendor's own example does).
extension SandboxState {
    func dropdayCreate(_ r: SandboxRequest) -> SandboxReply {
        guard r.header("api-key") == options.dropdayKey, r.header("account-id") == options.dropdayAccount else {
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
        return SandboxReply(status: 200, body: ["message": "Order created", "reference": .number(String(reference))], saved: true)
    }
}
