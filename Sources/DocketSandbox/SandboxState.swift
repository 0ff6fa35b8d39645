import DocketCore
import Foundation

/// The five emulated APIs and everything they remember. Each handler
/// answers as the vendor's document says the vendor does: its status codes,
/// its response shapes, its rules (the documented ones are shared with
/// Docket's own validation, by the vendor's field names).
public actor SandboxState {
    public let options: SandboxOptions

    // Cropster: orders by externalId.
    struct CropsterOrder { var id: String; var status: String; var orderDate: String; var body: JSONObject }
    var cropster: [String: CropsterOrder] = [:]
    // Centra: order number → Centra order number; catalogue and stock when loaded.
    var centraOrders: [String: Int] = [:]
    var centraProducts: Set<String>?
    var centraStock: [String: Int] = [:]
    var centraNext = 1000
    // Mirakl: orders by channel_order_id; line ids across the channel.
    struct MiraklOrder { var updatedAt: String; var body: JSONObject }
    var mirakl: [String: MiraklOrder] = [:]
    var miraklLines: [String: String] = [:]
    // Omnia: per contract, orders by orderId and an optional product list.
    var omnia: [String: [String: JSONObject]] = [:]
    var omniaProducts: [String: Set<String>] = [:]
    // Dropday: external_id → reference.
    var dropday: [String: Int] = [:]
    var dropdayNext = 1
    var dropdayTests: Set<String> = []
    // Issued tokens and when they expire.
    var tokens: [String: ContinuousClock.Instant] = [:]
    public internal(set) var requestCount = 0
    var rngState: UInt64
    /// `rate=`: when each API next takes a request without a 429 (the
    /// theoretical arrival time of a generic cell rate limiter).
    var rateClock: [Dialect: ContinuousClock.Instant] = [:]

    public init(options: SandboxOptions = SandboxOptions()) {
        self.options = options
        rngState = options.faults.seed ?? 0
    }

    // MARK: State for rehearsals and tests

    /// Loads `--state`: `{"cropster":{"orders":[{"externalId","status"}]}, "centra":{"products":[…],
    /// "stock":{sku:n},"orders":[…]}, "mirakl":{"orders":[{"channel_order_id","channel_updated_at"}]},
    /// "omnia":{"contracts":{"id":{"products":[…],"orders":[…]}}}, "dropday":{"orders":[…]}}`.
    public func load(_ state: JSONValue) throws(DocketError) {
        guard let top = state.objectValue else { throw DocketError("a sandbox state file is a JSON object keyed by dialect") }
        for key in top.keys where Dialect(rawValue: key) == nil {
            throw DocketError("unknown dialect \"\(key)\" in the sandbox state", jsonPath: "$.\(key)")
        }
        for o in top["cropster"]?.objectValue?["orders"]?.arrayValue ?? [] {
            guard let id = o.objectValue?["externalId"]?.stringValue else { throw DocketError("a Cropster order needs externalId", jsonPath: "$.cropster.orders") }
            setCropsterOrder(id, status: o.objectValue?["status"]?.stringValue ?? "OPEN", orderDate: o.objectValue?["orderDate"]?.stringValue ?? "2026-01-01T00:00:00Z")
        }
        if let c = top["centra"]?.objectValue {
            if let p = c["products"]?.arrayValue { centraProducts = Set(p.compactMap(\.stringValue)) }
            for m in c["stock"]?.objectValue ?? JSONObject() { centraStock[m.key] = m.value.stringValue.flatMap { Int($0) } ?? scalar(m.value).flatMap { Int($0) } ?? 0 }
            for o in c["orders"]?.arrayValue ?? [] { if let n = o.stringValue { centraOrders[n] = nextCentra() } }
        }
        for o in top["mirakl"]?.objectValue?["orders"]?.arrayValue ?? [] {
            guard let id = o.objectValue?["channel_order_id"]?.stringValue else { continue }
            mirakl[id] = MiraklOrder(updatedAt: o.objectValue?["channel_updated_at"]?.stringValue ?? "", body: o.objectValue ?? JSONObject())
        }
        for m in top["omnia"]?.objectValue?["contracts"]?.objectValue ?? JSONObject() {
            omnia[m.key, default: [:]] = omnia[m.key] ?? [:]
            if let p = m.value.objectValue?["products"]?.arrayValue { omniaProducts[m.key] = Set(p.compactMap(\.stringValue)) }
            for o in m.value.objectValue?["orders"]?.arrayValue ?? [] { if let id = o.stringValue { omnia[m.key, default: [:]][id] = JSONObject() } }
        }
        for o in top["dropday"]?.objectValue?["orders"]?.arrayValue ?? [] {
            if let id = o.stringValue { dropday[id] = dropdayNext; dropdayNext += 1 }
        }
    }

    public func setCropsterOrder(_ externalId: String, status: String, orderDate: String = "2026-01-01T00:00:00Z") {
        cropster[externalId] = CropsterOrder(id: UUID().uuidString.lowercased(), status: status, orderDate: orderDate, body: JSONObject())
    }

    public func setOmniaProducts(_ contract: String, _ products: Set<String>) { omniaProducts[contract] = products }
    public func setCentraStock(_ sku: String, _ quantity: Int) { centraStock[sku] = quantity }

    /// What the sandbox holds, for tests and rehearsals: order keys per dialect.
    public func orderIds(_ dialect: Dialect) -> [String] {
        switch dialect {
        case .cropster: cropster.keys.sorted()
        case .centra: centraOrders.keys.sorted()
        case .mirakl: mirakl.keys.sorted()
        case .omnia: omnia.values.flatMap(\.keys).sorted()
        case .dropday: dropday.keys.sorted()
        }
    }

    public func cropsterOrderDate(_ id: String) -> String? { cropster[id]?.orderDate }

    func nextCentra() -> Int {
        centraNext += 1
        return centraNext
    }

    func scalar(_ v: JSONValue) -> String? {
        if case .number(let n) = v { return n }
        return v.stringValue
    }

    // MARK: Tokens

    /// A token answer as the vendor documents it: `expires_in` in whole
    /// seconds, and Mirakl's `target_app` and `resource_owner`.
    func issueToken(mirakl: Bool, scope: String?) -> SandboxReply {
        let token = UUID().uuidString.lowercased()
        tokens[token] = ContinuousClock.now + .milliseconds(Int(options.faults.tokenTTL * 1000))
        var body = JSONObject([.init("token_type", .string("Bearer")), .init("access_token", .string(token)),
                               .init("expires_in", .number(String(max(1, Int(options.faults.tokenTTL.rounded(.up))))))])
        if mirakl {
            body["target_app"] = .string("connect")
            body["resource_owner"] = .string("docket-sandbox")
        }
        if let scope { body["scope"] = .string(scope) }
        return SandboxReply(status: 200, body: .object(body))
    }

    /// The OAuth2 client-credentials grant, from a form body or Basic auth.
    func token(_ r: SandboxRequest, client: (String, String), mirakl: Bool = false, requiredScope: String? = nil) -> SandboxReply {
        var fields: [String: String] = [:]
        for pair in String(decoding: r.body, as: UTF8.self).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if kv.count == 2 { fields[kv[0]] = kv[1] }
        }
        if let basic = r.header("Authorization"), basic.hasPrefix("Basic "),
           let decoded = Data(base64Encoded: String(basic.dropFirst(6))).flatMap({ String(data: $0, encoding: .utf8) }) {
            let parts = decoded.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2 { fields["client_id"] = parts[0]; fields["client_secret"] = parts[1] }
        }
        guard fields["grant_type"] == "client_credentials" else {
            return SandboxReply(status: 400, body: ["error": "unsupported_grant_type"])
        }
        guard fields["client_id"] == client.0, fields["client_secret"] == client.1 else {
            return SandboxReply(status: 401, body: ["error": "invalid_client"])
        }
        let asked = Set((fields["scope"] ?? "").split(separator: " ").map(String.init))
        if let requiredScope, !asked.contains(requiredScope) {
            return SandboxReply(status: 403, body: ["error": "insufficient_scope",
                                                    "error_description": .string("this service account needs the scope \(requiredScope)")])
        }
        return issueToken(mirakl: mirakl, scope: fields["scope"])
    }

    func validBearer(_ r: SandboxRequest) -> Bool {
        guard let h = r.header("Authorization"), h.hasPrefix("Bearer "), let expiry = tokens[String(h.dropFirst(7))] else { return false }
        return ContinuousClock.now < expiry
    }

    /// Revokes every token issued so far (a rehearsal of a revoked credential).
    public func revokeTokens() { tokens.removeAll() }
}
