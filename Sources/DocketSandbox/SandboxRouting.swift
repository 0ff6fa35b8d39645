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
    /// `latency` is the time from a request's arrival to its answer, the
    /// way a target that takes 50 ms per request behaves: the work is done
    /// within it, not added to it, so a sender's bound is exactly
    /// concurrency × orders per request / latency.
    public nonisolated func handle(_ r: SandboxRequest) async -> SandboxAction {
        let (action, latency) = await route(r)
        // Out of the actor, so waking does not wait for another request's work.
        if latency > 0 {
            try? await Task.sleep(until: r.arrived + .nanoseconds(Int64(latency * 1e9)), tolerance: .zero, clock: .continuous)
        }
        return action
    }

    /// The answer, and the latency it is given: faults apply to order
    /// endpoints only.
    private func route(_ r: SandboxRequest) -> (SandboxAction, Double) {
        let path = r.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? r.path
        let parts = path.split(separator: "/").map(String.init)
        if r.method == "GET" && path == "/openapi.json" { return (.reply(SandboxReply(status: 200, body: OpenAPIDocument.json)), 0) }
        // Not a vendor endpoint: what each emulated target holds, for rehearsals.
        if r.method == "GET", parts.count == 3, parts[0] == "_sandbox", parts[1] == "orders", let d = Dialect(rawValue: parts[2]) {
            return (.reply(SandboxReply(status: 200, body: ["dialect": .string(d.rawValue), "orders": .array(orderIds(d).map { .string($0) })])), 0)
        }
        if r.method == "POST" && path == "/cropster/oauth2/token" {
            return (.reply(token(r, client: options.cropsterClient, requiredScope: options.cropsterScope)), 0)
        }
        if r.method == "POST" && path == "/mirakl/oauth/token" { return (.reply(token(r, client: options.miraklClient, mirakl: true)), 0) }
        let handler: (() -> SandboxReply)?
        let api: Dialect
        switch (r.method, parts) {
        case ("POST", ["cropster", "mrp.order.setOrders"]): handler = { self.cropsterSetOrders(r) }; api = .cropster
        case ("POST", ["centra", "orders"]): handler = { self.centraOrders(r) }; api = .centra
        case ("GET", ["centra", "orders"]): handler = { self.centraLookup(r) }; api = .centra
        case ("GET", ["dropday", "api", "v1", "orders"]): handler = { self.dropdayList(r) }; api = .dropday
        case ("GET", let p) where p.count == 5 && p[0...3] == ["dropday", "api", "v1", "orders"]:
            handler = { self.dropdayOrder(r, reference: p[4]) }; api = .dropday
        case ("POST", ["mirakl", "v1", "orders"]): handler = { self.miraklUpsert(r) }; api = .mirakl
        case ("PUT", let p) where p.count == 7 && p[0] == "omnia" && p[1...4] == ["api", "v3", "vendor", "contracts"] && p[6] == "orders":
            let contract = p[5].removingPercentEncoding ?? p[5]
            handler = { self.omniaPut(r, contract: contract) }; api = .omnia
        case ("POST", ["dropday", "api", "v1", "orders"]): handler = { self.dropdayCreate(r) }; api = .dropday
        default: handler = nil; api = .cropster
        }
        guard let handler else {
            return (.reply(SandboxReply(status: 404, body: ["message": .string("No \(r.method) \(path) here; see /openapi.json")])), 0)
        }
        requestCount += 1
        let f = options.faults
        if roll(f.rateLimited) {
            return (.reply(SandboxReply(status: 429, body: Self.tooManyRequests(api), headers: [("Retry-After", String(f.retryAfter))])), options.faults.latency)
        }
        if let wait = overRate(api) {
            return (.reply(SandboxReply(status: 429, body: Self.tooManyRequests(api), headers: [("Retry-After", String(format: "%.3f", wait))])), options.faults.latency)
        }
        if roll(f.serverErrors) { return (.reply(SandboxReply(status: 503, body: ["message": "Service temporarily unavailable"])), options.faults.latency) }
        if roll(f.echoHeaders) {
            let echoed = r.headers.map { "\($0.0): \($0.1)" }.joined(separator: "\n")
            return (.reply(SandboxReply(status: 400, body: ["message": .string("Bad request. We received these headers:\n" + echoed)])), options.faults.latency)
        }
        let reply = handler()
        if reply.saved && roll(f.drop) { return (.drop, options.faults.latency) }
        if roll(f.malformed) { return (.malformed(status: reply.status == 204 ? 200 : reply.status), options.faults.latency) }
        return (.reply(reply), options.faults.latency)
    }

    /// `rate=`: nil when the API takes this request, else the seconds until
    /// it would. A burst of a tenth of a second's worth is let through.
    func overRate(_ api: Dialect) -> Double? {
        guard let rate = options.faults.rateLimit else { return nil }
        let now = ContinuousClock.now
        let interval = Duration.nanoseconds(Int64(1_000_000_000 / rate))
        let burst = max(interval, .milliseconds(100))
        let due = max(rateClock[api] ?? now, now)
        if due - now > burst { return Double((due - now - burst) / .milliseconds(1)) / 1000 }
        rateClock[api] = due + interval
        return nil
    }

    /// A 429 in each API's own error shape.
    static func tooManyRequests(_ api: Dialect) -> JSONValue {
        switch api {
        case .cropster: ["ok": false, "error": ["code": "too_many_requests", "message": "Rate limit exceeded, retry later"]]
        case .centra: ["status": "no", "msg": "Too many requests"]
        case .mirakl: ["code": "TOO_MANY_REQUESTS", "message": "Too many requests, retry later", "errors": []]
        case .omnia: ["errors": [["code": "request.rateLimited", "message": "Too many requests"]]]
        case .dropday: ["message": "Too Many Attempts."]
        }
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
