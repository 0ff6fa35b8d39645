import DocketCore
import Foundation

/// What to do with a request after faults are rolled.
public enum SandboxAction: Sendable {
    case reply(SandboxReply)
    /// Save, then cut the connection without an answer.
    case drop
    /// Answer with a body that is not valid JSON.
    case malformed(status: Int)
}

extension SandboxState {
    /// Routes a request to its API, applying faults to order endpoints.
    public func handle(_ r: SandboxRequest) async -> SandboxAction {
        let path = r.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? r.path
        let parts = path.split(separator: "/").map(String.init)
        if r.method == "GET" && path == "/openapi.json" { return .reply(SandboxReply(status: 200, body: OpenAPIDocument.json)) }
        // Not a vendor endpoint: what each emulated target holds, for rehearsals.
        if r.method == "GET", parts.count == 3, parts[0] == "_sandbox", parts[1] == "orders", let d = Dialect(rawValue: parts[2]) {
            return .reply(SandboxReply(status: 200, body: ["dialect": .string(d.rawValue), "orders": .array(orderIds(d).map { .string($0) })]))
        }
        if r.method == "POST" && path == "/cropster/oauth2/token" { return .reply(token(r, client: options.cropsterClient)) }
        if r.method == "POST" && path == "/mirakl/oauth/token" { return .reply(token(r, client: options.miraklClient)) }
        let handler: (() -> SandboxReply)?
        switch (r.method, parts) {
        case ("POST", ["cropster", "mrp.order.setOrders"]): handler = { self.cropsterSetOrders(r) }
        case ("POST", ["centra", "orders"]): handler = { self.centraOrders(r) }
        case ("POST", ["mirakl", "v1", "orders"]): handler = { self.miraklUpsert(r) }
        case ("PUT", let p) where p.count == 7 && p[0] == "omnia" && p[1...4] == ["api", "v3", "vendor", "contracts"] && p[6] == "orders":
            let contract = p[5].removingPercentEncoding ?? p[5]
            handler = { self.omniaPut(r, contract: contract) }
        case ("POST", ["dropday", "api", "v1", "orders"]): handler = { self.dropdayCreate(r) }
        default: handler = nil
        }
        guard let handler else {
            return .reply(SandboxReply(status: 404, body: ["message": .string("No \(r.method) \(path) here; see /openapi.json")]))
        }
        requestCount += 1
        let f = options.faults
        if f.latency > 0 { try? await Task.sleep(for: .milliseconds(Int(f.latency * 1000))) }
        if roll(f.rateLimited) {
            return .reply(SandboxReply(status: 429, body: ["message": "Too many requests"], headers: [("Retry-After", String(f.retryAfter))]))
        }
        if roll(f.serverErrors) { return .reply(SandboxReply(status: 503, body: ["message": "Service temporarily unavailable"])) }
        let reply = handler()
        if reply.saved && roll(f.drop) { return .drop }
        if roll(f.malformed) { return .malformed(status: reply.status == 204 ? 200 : reply.status) }
        return .reply(reply)
    }

    func roll(_ rate: Double) -> Bool {
        guard rate > 0 else { return false }
        if rate >= 1 { return true }
        return Double(nextRandom() >> 11) / Double(1 << 53) < rate
    }

    func nextRandom() -> UInt64 {
        guard options.faults.seed != nil else { return UInt64.random(in: 0...UInt64.max) }
        rngState &+= 0x9E37_79B9_7F4A_7C15
        var z = rngState
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
