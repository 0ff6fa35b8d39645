import Foundation

/// One HTTP exchange, kept for the audit trail (bodies, never headers, so no
/// secret is ever recorded).
public struct RequestRecord: Sendable {
    public var sequence: Int
    public var attempt: Int
    public var method: String
    public var url: String
    public var requestBody: [UInt8]
    public var status: Int?
    public var responseBody: [UInt8]
    public var error: String?
    public var startedAt: String
    public var milliseconds: Int
    public var orderIds: [String]

    public init(sequence: Int, attempt: Int, method: String, url: String, requestBody: [UInt8], status: Int?,
                responseBody: [UInt8], error: String?, startedAt: String, milliseconds: Int, orderIds: [String]) {
        self.sequence = sequence
        self.attempt = attempt
        self.method = method
        self.url = url
        self.requestBody = requestBody
        self.status = status
        self.responseBody = responseBody
        self.error = error
        self.startedAt = startedAt
        self.milliseconds = milliseconds
        self.orderIds = orderIds
    }
}

/// What the engine reports while it works.
public enum SubmissionEvent: Sendable {
    case request(RequestRecord)
    /// Final outcomes for some orders.
    case outcomes([OrderOutcome])
}

/// How a target is to be driven: sizes, limits and patience.
public struct SubmissionSettings: Sendable {
    public var batchSize: Int
    public var concurrency: Int
    public var timeout: Double
    public var maxAttempts: Int
    public var maxIsolationDepth: Int
    /// The first retry's delay; each next one doubles, with jitter.
    public var baseDelay: Double

    public init(target: TargetConfig) throws(DocketError) {
        let limit = OrderValidator.requestLimit(target.dialect)
        let defaultSize = switch target.dialect {
        case .cropster: 50
        case .centra: 50
        case .mirakl: 100
        case .omnia: 10_000
        case .dropday: 1
        }
        batchSize = target.batchSize ?? defaultSize
        if let limit, batchSize > limit {
            throw DocketError("targets.\(target.name).batch_size is \(batchSize), over \(target.dialect.displayName)'s limit of \(limit) orders per request")
        }
        concurrency = target.concurrency ?? 4
        timeout = target.timeoutSeconds ?? 30
        maxAttempts = target.settings["max_attempts"].flatMap { Int($0) } ?? 5
        maxIsolationDepth = target.settings["max_isolation_depth"].flatMap { Int($0) } ?? 16
        baseDelay = 0.2
    }
}

/// Sends orders to one target and works out every order's outcome: checks
/// them locally, splits them into requests, authenticates, sends with the
/// target's concurrency, retries what is worth retrying, and on
/// all-or-nothing targets isolates the orders a refusal was about so that
/// every good order still gets in.
public struct SubmissionEngine: Sendable {
    public let target: TargetConfig
    public let settings: SubmissionSettings
    let transport: any HTTPTransport
    let authenticator: Authenticator
    let validator: OrderValidator
    let options: EncodeOptions
    let counter = Counter()
    /// Send orders even when they fail local validation, to hear the
    /// target's own verdict.
    public var checkLocally = true

    public init(target: TargetConfig, transport: any HTTPTransport, authenticator: Authenticator,
                validator: OrderValidator, settings: SubmissionSettings) {
        self.target = target
        self.transport = transport
        self.authenticator = authenticator
        self.validator = validator
        self.settings = settings
        options = target.encodeOptions
    }

    var dialect: Dialect { target.dialect }
    var allOrNothing: Bool { dialect == .cropster || dialect == .mirakl || dialect == .omnia }

    /// Where requests go.
    public static func url(for target: TargetConfig) throws(DocketError) -> (method: String, url: String) {
        var base = target.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        switch target.dialect {
        case .cropster: return ("POST", base + "/mrp.order.setOrders")
        case .centra: return ("POST", base + "/orders")
        case .mirakl: return ("POST", base + "/v1/orders")
        case .dropday: return ("POST", base + "/api/v1/orders")
        case .omnia:
            guard let contract = target.settings["contract_id"], !contract.isEmpty else {
                throw DocketError("targets.\(target.name) needs contract_id, the Omnia contract the orders belong to")
            }
            let escaped = contract.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? contract
            return ("PUT", base + "/api/v3/vendor/contracts/\(escaped)/orders")
        }
    }

    /// The local check and the requests the orders would go out in.
    public func plan(_ orders: [Order]) -> (skipped: [OrderOutcome], requests: [[Order]]) {
        var selection = OrderValidator.Selection(validator: validator)
        var skipped: [OrderOutcome] = []
        var good: [Order] = []
        for order in orders {
            let issues = checkLocally ? selection.check(order) : []
            if issues.isEmpty { good.append(order) } else {
                skipped.append(OrderOutcome(externalId: order.externalId, outcome: .skipped, errors: issues))
            }
        }
        // Mirakl's origin belongs to the request: one origin per request.
        var groups: [[Order]] = [good]
        if dialect == .mirakl {
            var byOrigin: [Origin: [Order]] = [:]
            var keys: [Origin] = []
            for o in good {
                let origin = o.origin ?? options.defaultOrigin ?? Origin()
                if byOrigin[origin] == nil { keys.append(origin) }
                byOrigin[origin, default: []].append(o)
            }
            groups = keys.map { byOrigin[$0]! }
        }
        var requests: [[Order]] = []
        for group in groups {
            var i = 0
            while i < group.count {
                requests.append(Array(group[i..<min(i + settings.batchSize, group.count)]))
                i += settings.batchSize
            }
        }
        return (skipped, requests)
    }

    /// Runs the submission; `report` hears of every request and outcome as
    /// they happen. Returns every order's outcome.
    public func run(_ orders: [Order], report: @escaping @Sendable (SubmissionEvent) async -> Void) async -> [OrderOutcome] {
        let (skipped, requests) = plan(orders)
        if !skipped.isEmpty { await report(.outcomes(skipped)) }
        var results = skipped
        await withTaskGroup(of: [OrderOutcome].self) { group in
            var next = 0
            func start() {
                guard next < requests.count else { return }
                let chunk = requests[next]
                next += 1
                group.addTask {
                    let outcomes = await send(chunk, depth: 0, report: report)
                    await report(.outcomes(outcomes))
                    return outcomes
                }
            }
            for _ in 0..<max(1, settings.concurrency) { start() }
            while let done = await group.next() {
                results += done
                start()
            }
        }
        return results
    }

    func send(_ orders: [Order], depth: Int, report: @escaping @Sendable (SubmissionEvent) async -> Void) async -> [OrderOutcome] {
        guard !orders.isEmpty else { return [] }
        let verdict = await exchange(orders, report: report)
        switch verdict {
        case .perOrder(let map):
            return orders.map {
                map[$0.externalId] ?? OrderOutcome(externalId: $0.externalId, outcome: .unknown,
                                                   errors: [OrderIssue(code: "no_answer", message: "the target's answer did not mention this order")])
            }
        case .refusedNamed(let named):
            var out = orders.filter { named[$0.externalId] != nil }.map {
                OrderOutcome(externalId: $0.externalId, outcome: .rejected, errors: named[$0.externalId]!)
            }
            let rest = orders.filter { named[$0.externalId] == nil }
            // Nothing was saved: the rest goes again without the bad orders.
            out += await send(rest, depth: depth + 1, report: report)
            return out
        case .refusedUnnamed(let issues):
            if orders.count == 1 {
                return [OrderOutcome(externalId: orders[0].externalId, outcome: .rejected, errors: issues)]
            }
            guard depth < settings.maxIsolationDepth else {
                let note = OrderIssue(code: "not_isolated", message: "refused together with other orders; stopped isolating after \(depth) splits (max_isolation_depth)")
                return orders.map { OrderOutcome(externalId: $0.externalId, outcome: .notSaved, errors: issues + [note]) }
            }
            // The refusal does not say which orders: halve until it does.
            let half = orders.count / 2
            let first = await send(Array(orders[..<half]), depth: depth + 1, report: report)
            let second = await send(Array(orders[half...]), depth: depth + 1, report: report)
            return first + second
        case .unauthorized(let status, let message):
            let issue = OrderIssue(code: "unauthorized", message: "the target refused Docket's credentials (HTTP \(status)): \(message)")
            return orders.map { OrderOutcome(externalId: $0.externalId, outcome: .notSaved, errors: [issue]) }
        case .failed(let status, let message):
            let issue = OrderIssue(code: "http_\(status)", message: message)
            if orders.count == 1 && (400..<500).contains(status) {
                return [OrderOutcome(externalId: orders[0].externalId, outcome: .rejected, errors: [issue])]
            }
            return orders.map { OrderOutcome(externalId: $0.externalId, outcome: .notSaved, errors: [issue]) }
        case .retry(let reason, _):
            // Retries ran out: sent, but nothing definitive came back.
            let issue = OrderIssue(code: "no_answer", message: "no definitive answer after \(settings.maxAttempts) attempts: \(reason)")
            return orders.map { OrderOutcome(externalId: $0.externalId, outcome: .unknown, errors: [issue]) }
        }
    }

    /// One request, with its retries and one re-authentication.
    func exchange(_ orders: [Order], report: @escaping @Sendable (SubmissionEvent) async -> Void) async -> ResponseVerdict {
        let body: [UInt8]
        let endpoint: (method: String, url: String)
        do {
            body = JSONWriter.data(try dialect.codec.encodeRequest(orders, options: options))
            endpoint = try Self.url(for: target)
        } catch {
            return .failed(status: 0, message: error.message)
        }
        let sequence = await counter.next()
        let ids = orders.map(\.externalId)
        var attempt = 0
        var reauthenticated = false
        var neverSent = true
        while true {
            attempt += 1
            let auth: [(name: String, value: String)]
            do { auth = try await authenticator.headers() } catch {
                if case .refused(let message) = error { return .unauthorized(status: 401, message: message) }
                return .unauthorized(status: 401, message: "no credentials")
            }
            let request = HTTPRequestData(method: endpoint.method, url: endpoint.url,
                                          headers: [("Content-Type", "application/json"), ("Accept", "application/json")] + auth,
                                          body: body)
            let started = Date()
            let clock = ContinuousClock.now
            var record = RequestRecord(sequence: sequence, attempt: attempt, method: endpoint.method, url: endpoint.url,
                                       requestBody: body, status: nil, responseBody: [], error: nil,
                                       startedAt: started.ISO8601Format(),
                                       milliseconds: 0, orderIds: ids)
            let verdict: ResponseVerdict
            do {
                let response = try await transport.send(request, timeout: settings.timeout)
                neverSent = false
                record.status = response.status
                record.responseBody = response.body
                verdict = dialect.responseDecoder.decode(response, orders: orders, options: options)
            } catch {
                record.error = error.message
                if case .unreachable = error {} else { neverSent = false }
                verdict = .retry(reason: error.message, retryAfter: nil)
            }
            record.milliseconds = Int((ContinuousClock.now - clock) / .milliseconds(1))
            await report(.request(record))
            switch verdict {
            case .retry(let reason, let retryAfter):
                guard attempt < settings.maxAttempts else {
                    if neverSent {
                        return .failed(status: 0, message: "could not reach the target after \(attempt) attempts: \(reason)")
                    }
                    return verdict
                }
                try? await Task.sleep(for: .milliseconds(Int(delay(attempt: attempt, retryAfter: retryAfter) * 1000)))
            case .unauthorized where !reauthenticated:
                guard await authenticator.usesTokens else { return verdict }
                // A revoked or expired token: fetch a new one and try once more.
                reauthenticated = true
                await authenticator.invalidate(auth)
                attempt -= 1
            default:
                return verdict
            }
        }
    }

    /// Exponential backoff with full jitter, or the target's Retry-After.
    func delay(attempt: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return retryAfter }
        let ceiling = min(10, settings.baseDelay * pow(2, Double(attempt - 1)))
        return Double.random(in: (ceiling / 2)...ceiling)
    }
}

actor Counter {
    var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}
