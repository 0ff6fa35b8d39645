/// What a target's answer to one request means for its orders.
public enum ResponseVerdict: Sendable, Equatable {
    /// A definitive word on each order (by external id). Orders the answer
    /// did not mention are missing from the map.
    case perOrder([String: OrderOutcome])
    /// An all-or-nothing refusal that names its bad orders: those are
    /// rejected, and nothing of the request was saved.
    case refusedNamed([String: [OrderIssue]])
    /// An all-or-nothing refusal that does not say which orders were bad.
    case refusedUnnamed([OrderIssue])
    /// Worth sending again later (429, 5xx, no answer).
    case retry(reason: String, retryAfter: Double?)
    /// A 2xx that is not the API's documented success (HTML, an empty or
    /// invalid body, ids missing): the target may or may not have kept the
    /// orders, so they end `unknown`, never `accepted`.
    case undocumented(String)
    /// The credentials were refused (401, 403).
    case unauthorized(status: Int, message: String)
    /// Refused for a reason that is not about the orders.
    case failed(status: Int, message: String)
    /// Docket stopped before the request went out (its journal could not
    /// record the send): not an answer, and nothing reached the target.
    case notSent(String)
}

/// Reads one dialect's answers.
public protocol ResponseDecoder: Sendable {
    /// `orders` are the request's orders in the order they were encoded.
    func decode(_ response: HTTPResponseData, orders: [Order], options: EncodeOptions) -> ResponseVerdict
}

extension Dialect {
    public var responseDecoder: any ResponseDecoder {
        switch self {
        case .cropster: CropsterResponse()
        case .centra: CentraResponse()
        case .mirakl: MiraklResponse()
        case .omnia: OmniaResponse()
        case .dropday: DropdayResponse()
        }
    }
}

/// What every dialect does with statuses that are not about the orders.
func commonVerdict(_ r: HTTPResponseData, message: String?) -> ResponseVerdict? {
    let text = message ?? String(decoding: r.body.prefix(300), as: UTF8.self)
    switch r.status {
    case 401, 403: return .unauthorized(status: r.status, message: text)
    case 300...399:
        // Not followed: the credentials would go along to wherever it points.
        let to = r.header("Location").map { " to \($0)" } ?? ""
        return .failed(status: r.status, message: "HTTP \(r.status): the target redirects this request\(to); Docket does not follow redirects, which would carry the credentials on: check base_url")
    case 408, 429, 500...599:
        return .retry(reason: "HTTP \(r.status)\(text.isEmpty ? "" : ": \(text)")", retryAfter: r.header("Retry-After").flatMap(parseRetryAfter))
    default: return nil
    }
}

/// Any 2xx that no branch of a decoder recognised as documented: what was
/// expected, and the start of what came.
func undocumented(_ r: HTTPResponseData, _ dialect: Dialect, expected: String) -> ResponseVerdict? {
    guard (200..<300).contains(r.status) else { return nil }
    let text = String(decoding: r.body.prefix(120), as: UTF8.self)
    let seen = r.body.isEmpty ? "an empty body" : (parseBody(r) == nil ? "a body that is not JSON" : "another shape")
    return .undocumented("HTTP \(r.status) with \(seen) is not a success \(dialect.displayName) documents (\(expected))"
                         + (text.isEmpty ? "" : ": \(text)\(r.body.count > 120 ? "…" : "")"))
}

/// `Retry-After` in seconds (the form APIs use; an HTTP date counts as 1 s).
func parseRetryAfter(_ value: String) -> Double? {
    if let s = Double(value.trimmingCharacters(in: .whitespaces)), s >= 0 { return min(s, 300) }
    return 1
}

func parseBody(_ r: HTTPResponseData) -> JSONValue? {
    r.body.isEmpty ? nil : try? JSONParser.parse(r.body)
}

struct CropsterResponse: ResponseDecoder {
    func decode(_ r: HTTPResponseData, orders: [Order], options: EncodeOptions) -> ResponseVerdict {
        let body = parseBody(r)
        let error = body?.objectValue?["error"]?.objectValue
        let code = error?["code"]?.stringValue ?? "error"
        let message = error?["message"]?.stringValue
        if r.status == 200, body?.objectValue?["ok"] != .bool(false),
           let synced = body?.objectValue?["result"]?.objectValue?["syncedOrders"]?.arrayValue {
            // Only the orders it lists were synced; the engine settles the
            // rest as unknown.
            let sent = Set(orders.map(\.externalId))
            var result: [String: OrderOutcome] = [:]
            for s in synced {
                guard let id = s.objectValue?["externalId"]?.stringValue, sent.contains(id) else { continue }
                let remote = s.objectValue?["id"].flatMap { $0.stringValue ?? scalarText($0) }
                result[id] = OrderOutcome(externalId: id, outcome: .accepted, remoteIds: remote.map { [$0] } ?? [])
            }
            return .perOrder(result)
        }
        if let v = undocumented(r, .cropster, expected: "200 with result.syncedOrders") { return v }
        if let v = commonVerdict(r, message: message) { return v }
        if r.status == 422 || r.status == 400 {
            // Details may name orders by externalId, by index, or by a path
            // into the request; use what they say.
            let details = error?["data"]?.objectValue?["details"]?.arrayValue ?? []
            var named: [String: [OrderIssue]] = [:]
            var unnamed: [OrderIssue] = []
            for d in details {
                let o = d.objectValue
                let dCode = o?["code"]?.stringValue ?? code
                let dMessage = o?["message"]?.stringValue ?? message ?? dCode
                let path = (o?["field"] ?? o?["path"] ?? o?["pointer"])?.stringValue
                var id = o?["externalId"]?.stringValue
                var field: String?
                if let path, let (index, rest) = splitListPath(path, list: "data") {
                    if id == nil, orders.indices.contains(index) { id = orders[index].externalId }
                    if !rest.isEmpty { field = FieldPaths.of(.cropster).canonical(rest) }
                }
                if id == nil, let i = o?["index"].flatMap(scalarText).flatMap({ Int($0) }), orders.indices.contains(i) {
                    id = orders[i].externalId
                }
                let issue = OrderIssue(code: dCode, message: dMessage, field: field)
                if let id, orders.contains(where: { $0.externalId == id }) { named[id, default: []].append(issue) } else { unnamed.append(issue) }
            }
            if !named.isEmpty { return .refusedNamed(named) }
            if unnamed.isEmpty { unnamed = [OrderIssue(code: code, message: message ?? "refused (HTTP \(r.status))")] }
            return .refusedUnnamed(unnamed)
        }
        return .failed(status: r.status, message: message ?? "HTTP \(r.status)")
    }
}

struct CentraResponse: ResponseDecoder {
    static let meanings = [
        -1: "a product cannot be added (its status, market or pricelist in Centra)",
        -2: "a product is out of stock",
        -3: "the order is empty",
        -4: "required fields are missing",
        -5: "an order with this order number already exists",
        -6: "customer registration failed",
        -7: "general error",
    ]

    func decode(_ r: HTTPResponseData, orders: [Order], options: EncodeOptions) -> ResponseVerdict {
        let body = parseBody(r)
        if r.status == 200, let keyed = body?.objectValue {
            // The request's names are the external ids (with #n on a clash).
            let keys = CentraCodec.keys(for: orders, options: options)
            var result: [String: OrderOutcome] = [:]
            for (key, order) in zip(keys, orders) {
                guard let answer = keyed[key]?.objectValue else { continue }
                let id = order.externalId
                switch answer["status"]?.stringValue {
                case "ok":
                    var remote: [String] = []
                    if let list = answer["orders"]?.arrayValue { remote = list.compactMap(scalarText) }
                    if let one = answer["order"].flatMap(scalarText) { remote.append(one) }
                    result[id] = OrderOutcome(externalId: id, outcome: .accepted, remoteIds: remote)
                case "no":
                    let code = answer["code"].flatMap(scalarText).flatMap { Int($0) } ?? -7
                    let msg = answer["msg"]?.stringValue ?? Self.meanings[code] ?? "refused"
                    let issue = OrderIssue(code: String(code), message: msg == Self.meanings[code] ? msg : "\(msg) (\(Self.meanings[code] ?? "code \(code)"))")
                    result[id] = OrderOutcome(externalId: id, outcome: code == -5 ? .exists : .rejected, errors: [issue])
                default:
                    // Neither documented status: no word on this order.
                    let status = answer["status"].map { JSONWriter.string($0) } ?? "none"
                    result[id] = OrderOutcome(externalId: id, outcome: .unknown, errors: [OrderIssue(
                        code: "undocumented_answer",
                        message: "Centra answered status \(status) for this order, which is neither \"ok\" nor \"no\"; it may or may not have been created")])
                }
            }
            return .perOrder(result)
        }
        if let v = undocumented(r, .centra, expected: "200 with an object keyed by the request's names") { return v }
        let message = body?.objectValue?["message"]?.stringValue ?? body?.objectValue?["msg"]?.stringValue
        if let v = commonVerdict(r, message: message) { return v }
        return .failed(status: r.status, message: message ?? "HTTP \(r.status)")
    }
}

struct MiraklResponse: ResponseDecoder {
    func decode(_ r: HTTPResponseData, orders: [Order], options: EncodeOptions) -> ResponseVerdict {
        if r.status == 204 {
            return .perOrder(Dictionary(uniqueKeysWithValues: orders.map { ($0.externalId, OrderOutcome(externalId: $0.externalId, outcome: .accepted)) }))
        }
        if let v = undocumented(r, .mirakl, expected: "204 No Content") { return v }
        let body = parseBody(r)?.objectValue
        let code = body?["code"]?.stringValue ?? "error"
        let message = body?["message"]?.stringValue
        if let v = commonVerdict(r, message: message) { return v }
        if r.status == 400 {
            var named: [String: [OrderIssue]] = [:]
            var unnamed: [OrderIssue] = []
            for e in body?["errors"]?.arrayValue ?? [] {
                let o = e.objectValue
                let eMessage = o?["message"]?.stringValue ?? message ?? code
                if let path = o?["field"]?.stringValue, let (index, rest) = splitListPath(path, list: "orders"), orders.indices.contains(index) {
                    let field = rest.isEmpty ? nil : FieldPaths.of(.mirakl).canonical(rest)
                    named[orders[index].externalId, default: []].append(OrderIssue(code: code, message: eMessage, field: field))
                } else {
                    let field = o?["field"]?.stringValue.flatMap { path -> String? in
                        let p = path.hasPrefix("$.") ? String(path.dropFirst(2)) : path
                        return p.hasPrefix("origin") ? FieldPaths.of(.mirakl).canonical(p) : nil
                    }
                    unnamed.append(OrderIssue(code: code, message: eMessage, field: field))
                }
            }
            if !named.isEmpty { return .refusedNamed(named) }
            if unnamed.isEmpty { unnamed = [OrderIssue(code: code, message: message ?? "refused (HTTP 400)")] }
            return .refusedUnnamed(unnamed)
        }
        return .failed(status: r.status, message: message ?? "HTTP \(r.status)")
    }
}

struct OmniaResponse: ResponseDecoder {
    func decode(_ r: HTTPResponseData, orders: [Order], options: EncodeOptions) -> ResponseVerdict {
        let body = parseBody(r)?.objectValue
        if r.status == 201, let list = body?["data"]?.objectValue?["ids"]?.arrayValue {
            // Each id is an order saved; an order not named was not (the
            // engine settles it as unknown).
            let ids = Set(list.compactMap(scalarText))
            var result: [String: OrderOutcome] = [:]
            for order in orders where ids.contains(order.externalId) {
                result[order.externalId] = OrderOutcome(externalId: order.externalId, outcome: .accepted, remoteIds: [order.externalId])
            }
            return .perOrder(result)
        }
        if let v = undocumented(r, .omnia, expected: "201 with data.ids") { return v }
        let errors = (body?["errors"]?.arrayValue ?? []).map { e in
            let issue = OrderIssue(code: e.objectValue?["code"]?.stringValue ?? "error",
                                   message: e.objectValue?["message"]?.stringValue ?? "refused")
            return orders.count == 1 ? Self.field(for: issue, in: orders[0]) : issue
        }
        if let v = commonVerdict(r, message: errors.first?.message) { return v }
        if r.status == 400 || r.status == 422 {
            return .refusedUnnamed(errors.isEmpty ? [OrderIssue(code: "request.invalid", message: "refused (HTTP \(r.status))")] : errors)
        }
        return .failed(status: r.status, message: errors.first?.message ?? "HTTP \(r.status)")
    }
}

extension OmniaResponse {
    /// Omnia's errors name neither an order nor a field. Once a refusal is
    /// down to one order (isolation sends the bad ones alone), a message that
    /// names one of its item ids ("The itemId X does not correspond…") is
    /// about that item's id: the field that became `itemId`.
    static func field(for issue: OrderIssue, in order: Order) -> OrderIssue {
        guard issue.field == nil else { return issue }
        let words = Set(issue.message.split { !($0.isLetter || $0.isNumber || "-_./:".contains($0)) }
            .map { word -> String in
                // A sentence's full stop is not part of the id.
                var w = word
                while let last = w.last, ".:".contains(last) { w = w.dropLast() }
                return String(w)
            })
        for (i, item) in order.items.enumerated() {
            guard let id = item.productId ?? item.sku, !id.isEmpty, words.contains(id) else { continue }
            var named = issue
            named.field = "items[\(i)].\(item.productId != nil ? "productId" : "sku")"
            return named
        }
        return issue
    }
}

struct DropdayResponse: ResponseDecoder {
    /// Dropday's two documented success messages.
    static func successes(_ message: String) -> Outcome? {
        switch message.trimmingCharacters(in: .whitespaces).lowercased() {
        case "order created": .accepted
        case "order already exists": .exists
        default: nil
        }
    }

    func decode(_ r: HTTPResponseData, orders: [Order], options: EncodeOptions) -> ResponseVerdict {
        guard let order = orders.first else { return .perOrder([:]) }
        let id = order.externalId
        let body = parseBody(r)?.objectValue
        let message = body?["message"]?.stringValue
        if r.status == 200, let documented = message.flatMap(Self.successes) {
            let remote = body?["reference"].flatMap(scalarText).map { [$0] } ?? []
            return .perOrder([id: OrderOutcome(externalId: id, outcome: documented, remoteIds: remote)])
        }
        if let v = undocumented(r, .dropday, expected: "200 with \"Order created\" or \"Order already exists\"") { return v }
        if let v = commonVerdict(r, message: message) { return v }
        if r.status == 422 || r.status == 400 {
            var issues: [OrderIssue] = []
            for m in body?["errors"]?.objectValue ?? JSONObject() {
                let texts = m.value.arrayValue?.compactMap(\.stringValue) ?? [m.value.stringValue ?? "invalid"]
                let field = FieldPaths.of(.dropday).canonical(FieldPaths.dottedToBrackets(m.key))
                for t in texts { issues.append(OrderIssue(code: "invalid", message: t, field: field)) }
            }
            if issues.isEmpty { issues = [OrderIssue(code: "invalid", message: message ?? "refused (HTTP \(r.status))")] }
            return .perOrder([id: OrderOutcome(externalId: id, outcome: .rejected, errors: issues)])
        }
        return .failed(status: r.status, message: message ?? "HTTP \(r.status)")
    }
}

/// A number or text as text (ids come as either).
func scalarText(_ v: JSONValue) -> String? {
    switch v {
    case .string(let s): s
    case .number(let n): n
    default: nil
    }
}

/// `$.orders[3].order_lines[0].title` (or `data.3.x`) → (3, "order_lines[0].title").
func splitListPath(_ path: String, list: String) -> (Int, String)? {
    var p = Substring(path)
    if p.hasPrefix("$.") { p = p.dropFirst(2) } else if p.hasPrefix("$") { p = p.dropFirst() }
    if p.hasPrefix("/") { // JSON pointer
        let parts = p.split(separator: "/")
        guard parts.count >= 2, parts[0] == list, let i = Int(parts[1]) else { return nil }
        return (i, parts.dropFirst(2).joined(separator: "."))
    }
    guard p.hasPrefix(list) else { return nil }
    p = p.dropFirst(list.count)
    let digits: Substring
    if p.hasPrefix("[") {
        guard let close = p.firstIndex(of: "]") else { return nil }
        digits = p[p.index(after: p.startIndex)..<close]
        p = p[p.index(after: close)...]
    } else if p.hasPrefix(".") {
        let afterDot = p.dropFirst()
        digits = afterDot.prefix { $0.isNumber }
        p = afterDot.dropFirst(digits.count)
    } else {
        return nil
    }
    guard let index = Int(digits) else { return nil }
    if p.hasPrefix(".") { p = p.dropFirst() }
    return (index, FieldPaths.dottedToBrackets(String(p)))
}
