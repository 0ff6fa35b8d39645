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

/// What the engine reports while it works, in the order it happens, so a
/// journal can be kept: orders about to go out, each answer together with
/// the outcomes it settled, and outcomes settled without a request.
public enum SubmissionEvent: Sendable {
    /// These orders are about to be sent (again); if the process dies now,
    /// they may or may not have arrived.
    case sending(sequence: Int, attempt: Int, orderIds: [String])
    /// One exchange, and the outcomes its answer settled (none when it is
    /// retried or the orders go again).
    case response(RequestRecord, settled: [OrderOutcome])
    /// Outcomes settled without a request (local validation).
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
    /// `rate_limit`: requests per second, at most.
    public var rateLimit: Double?

    /// 429s in a row a request may meet, with no other request of the
    /// batch answered meanwhile, before its orders end not_saved. They do
    /// not use up `max_attempts`: a 429 says nothing was done, and the
    /// pacer slows down for it; while other requests get through the
    /// target is setting the pace, not refusing.
    public var maxThrottled: Int { max(20, maxAttempts * 4) }

    public static let defaultConcurrency = 4
    public static let defaultTimeout: Double = 30

    /// Orders per request when the config says nothing: the API's limit,
    /// or where it documents none, a size that keeps one refusal cheap.
    public static func defaultBatchSize(_ dialect: Dialect) -> Int {
        switch dialect {
        case .cropster: 50
        case .centra: 50
        case .mirakl: 100
        case .omnia: 10_000
        case .dropday: 1
        }
    }

    public init(target: TargetConfig) throws(DocketError) {
        let limit = OrderValidator.requestLimit(target.dialect)
        batchSize = target.batchSize ?? Self.defaultBatchSize(target.dialect)
        if let limit, batchSize > limit {
            throw DocketError("targets.\(target.name).batch_size is \(batchSize), over \(target.dialect.displayName)'s limit of \(limit) orders per request")
        }
        concurrency = target.concurrency ?? Self.defaultConcurrency
        timeout = target.timeoutSeconds ?? Self.defaultTimeout
        maxAttempts = target.settings["max_attempts"].flatMap { Int($0) } ?? 5
        maxIsolationDepth = target.settings["max_isolation_depth"].flatMap { Int($0) } ?? 16
        baseDelay = 0.2
        rateLimit = target.rateLimit
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
    public let authenticator: Authenticator
    let validator: OrderValidator
    let options: EncodeOptions
    let counter = Counter()
    /// Sets the pace of this engine's requests (one engine per batch).
    public let pacer: Pacer
    /// Send orders even when they fail local validation, to hear the
    /// target's own verdict.
    public var checkLocally = true
    /// Orders an earlier, interrupted run sent without hearing back. On
    /// create-only targets an "already exists" for them is that send's
    /// success.
    public var possiblySent: Set<String> = []

    public init(target: TargetConfig, transport: any HTTPTransport, authenticator: Authenticator,
                validator: OrderValidator, settings: SubmissionSettings) {
        self.target = target
        self.transport = transport
        self.authenticator = authenticator
        self.validator = validator
        self.settings = settings
        options = target.encodeOptions
        pacer = Pacer(concurrency: settings.concurrency, rateLimit: settings.rateLimit)
    }

    /// An engine for `target` with its own settings, credentials and rules.
    public static func forTarget(_ target: TargetConfig, transport: any HTTPTransport) throws(DocketError) -> SubmissionEngine {
        let settings = try SubmissionSettings(target: target)
        return SubmissionEngine(target: target, transport: transport,
                                authenticator: try .forTarget(target, transport: transport, settings: settings),
                                validator: try target.validator, settings: settings)
    }

    var dialect: Dialect { target.dialect }

    /// Where requests go.
    /// The target's base URL without a trailing slash; for Dropday also
    /// without `/api/v1`, which its plugins put in the base and Docket adds.
    public static func baseURL(of target: TargetConfig) -> String {
        var base = target.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if target.dialect == .dropday, base.hasSuffix("/api/v1") { base.removeLast(7) }
        return base
    }

    public static func url(for target: TargetConfig) throws(DocketError) -> (method: String, url: String) {
        let base = baseURL(of: target)
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
        var planner = planner()
        var requests: [[Order]] = []
        planner.add(orders)
        planner.finish()
        while let r = planner.next() { requests.append(r) }
        return (planner.takeSkipped(), requests)
    }

    /// A planner with this engine's rules and sizes.
    public func planner() -> RequestPlanner { RequestPlanner(engine: self) }

    /// Runs the submission; `report` hears of every request and outcome as
    /// they happen. Returns every order's outcome.
    public func run(_ orders: [Order], report: @escaping @Sendable (SubmissionEvent) async throws -> Void) async -> [OrderOutcome] {
        let collected = OutcomeCollector()
        var pages = [orders][...]
        _ = try? await run(pages: { pages.popFirst() }) { event in
            switch event {
            case .sending: break
            case .response(_, let settled), .outcomes(let settled): await collected.add(settled)
            }
            try await report(event)
        }
        return await collected.all
    }

    /// Runs the submission over orders read a page at a time (`pages`
    /// returns nil at the end), checking and splitting them as requests
    /// free up, so memory holds the requests in flight rather than the
    /// batch. Outcomes go only to `report`. Returns how many orders it
    /// settled; throws what `pages` throws, after the requests already
    /// out have been answered. A `report` that throws for `.sending`
    /// keeps that request from going out (its orders end `not_saved`,
    /// with the reason); what it throws for the other events is its own
    /// to keep.
    @discardableResult
    public func run(pages: () async throws -> [Order]?, report: @escaping @Sendable (SubmissionEvent) async throws -> Void) async throws -> Int {
        var planner = planner()
        var settled = 0
        var pageError: (any Error)?
        var exhausted = false
        /// The next request: orders are read and checked until one is full.
        func nextRequest() async -> [Order]? {
            while true {
                let request = planner.next()
                let skipped = planner.takeSkipped()
                if !skipped.isEmpty { settled += skipped.count; try? await report(.outcomes(skipped)) }
                if let request { return request }
                if exhausted { return nil }
                do {
                    if let page = try await pages() {
                        // What an earlier run may have created and cannot
                        // be sent again safely is settled as unknown, not sent.
                        var held: [OrderOutcome] = []
                        if possiblySent.isEmpty {
                            planner.add(page)
                        } else {
                            for order in page {
                                if possiblySent.contains(order.externalId) && !canResend(order) {
                                    held.append(mayExist(order))
                                } else {
                                    planner.add(order)
                                }
                            }
                        }
                        if !held.isEmpty { settled += held.count; try? await report(.outcomes(held)) }
                        continue
                    }
                } catch {
                    pageError = error
                }
                exhausted = true
                planner.finish()
            }
        }
        await withTaskGroup(of: Int.self) { group in
            var running = 0
            // The next request is made ready, its body encoded, while
            // others are out, so an answer's place goes to it at once.
            var upcoming: PreparedRequest?
            func prepare() async -> PreparedRequest? {
                guard let orders = await nextRequest() else { return nil }
                return PreparedRequest(orders: orders, body: try? target.requestBody(orders))
            }
            func start() async {
                let chunk: PreparedRequest?
                if let ready = upcoming { chunk = ready; upcoming = nil } else { chunk = await prepare() }
                guard let chunk else { return }
                running += 1
                group.addTask { await send(chunk.orders, body: chunk.body, depth: 0, report: report).count }
            }
            for _ in 0..<max(1, settings.concurrency) { await start() }
            while running > 0 {
                if upcoming == nil {
                    // The request just started goes out first.
                    await Task.yield()
                    upcoming = await prepare()
                }
                guard let done = await group.next() else { break }
                running -= 1
                settled += done
                await start()
            }
        }
        if let pageError { throw pageError }
        return settled
    }

    /// Whether sending this order again after an unanswered send is safe:
    /// upserts and Dropday (one order per external id) yes; Centra only
    /// with an order number it compares.
    func canResend(_ order: Order) -> Bool {
        dialect != .centra || CentraCodec.orderNumber(order, options: options) != nil
    }

    func mayExist(_ order: Order) -> OrderOutcome {
        OrderOutcome(externalId: order.externalId, outcome: .unknown, errors: [mayExistIssue])
    }

    var mayExistIssue: OrderIssue {
        OrderIssue(code: OrderOutcome.mayExistCode,
                   message: "sent without a definitive answer, and \(dialect.displayName) has no order number to recognise it by: it may exist at \(dialect.displayName). Look it up there before sending it again")
    }

    /// `resent`: these orders went out before, unanswered, so an "already
    /// exists" for them is that send's success.
    func send(_ orders: [Order], body: [UInt8]? = nil, depth: Int, resent: Bool = false,
              report: @escaping @Sendable (SubmissionEvent) async throws -> Void) async -> [OrderOutcome] {
        guard !orders.isEmpty else { return [] }
        // An order that cannot safely go twice stops at its first
        // unanswered send.
        let careful = orders.contains { !canResend($0) }
        let (verdict, record, delivered) = await exchange(orders, body: body, stopWhenDelivered: careful, report: report)
        var settled: [OrderOutcome] = []
        var again: [[Order]] = []
        switch verdict {
        case .perOrder(let map):
            settled = orders.map { order in
                guard var o = map[order.externalId] else {
                    return OrderOutcome(externalId: order.externalId, outcome: .unknown,
                                        errors: [OrderIssue(code: "no_answer", message: "the target's answer did not mention this order")])
                }
                // A create-only target that says "exists" to a resend whose
                // first send went unanswered is confirming that first send.
                if o.outcome == .exists && (delivered || resent || possiblySent.contains(order.externalId)) { o.outcome = .accepted }
                return o
            }
        case .refusedNamed(let named):
            settled = orders.filter { named[$0.externalId] != nil }.map {
                OrderOutcome(externalId: $0.externalId, outcome: .rejected, errors: named[$0.externalId]!)
            }
            // Nothing was saved: the rest goes again without the bad orders.
            again = [orders.filter { named[$0.externalId] == nil }]
        case .refusedUnnamed(let issues):
            if orders.count == 1 {
                settled = [OrderOutcome(externalId: orders[0].externalId, outcome: .rejected, errors: issues)]
            } else if depth >= settings.maxIsolationDepth {
                let note = OrderIssue(code: "not_isolated", message: "refused together with other orders; stopped isolating after \(depth) splits (max_isolation_depth)")
                settled = orders.map { OrderOutcome(externalId: $0.externalId, outcome: .notSaved, errors: issues + [note]) }
            } else {
                // The refusal does not say which orders: halve until it does.
                let half = orders.count / 2
                again = [Array(orders[..<half]), Array(orders[half...])]
            }
        case .unauthorized(let status, let message):
            // Status 0: the target was never asked; getting credentials failed.
            let issue = OrderIssue(code: "unauthorized", message: status == 0 ? "no request was sent: \(message)"
                                                                       : "the target refused Docket's credentials (HTTP \(status)): \(message)")
            settled = orders.map { OrderOutcome(externalId: $0.externalId, outcome: .notSaved, errors: [issue]) }
        case .failed(let status, let message):
            let issue = OrderIssue(code: status == 0 ? "unreachable" : "http_\(status)", message: message)
            if orders.count == 1 && (400..<500).contains(status) && status != 429 {
                settled = [OrderOutcome(externalId: orders[0].externalId, outcome: .rejected, errors: [issue])]
            } else {
                settled = orders.map { OrderOutcome(externalId: $0.externalId, outcome: .notSaved, errors: [issue]) }
            }
        case .notSent(let reason):
            settled = orders.map { OrderOutcome(externalId: $0.externalId, outcome: .notSaved, errors: [OrderIssue(code: "not_sent", message: reason)]) }
        case .undocumented(let reason):
            // Not the documented success: the body is kept with the request,
            // and nobody can say whether the orders are in.
            let issue = OrderIssue(code: "undocumented_answer", message: "\(reason); the orders may or may not be saved there")
            settled = orders.map { OrderOutcome(externalId: $0.externalId, outcome: .unknown, errors: [issue]) }
        case .retry where careful && delivered:
            // Orders Centra cannot recognise are left for a person; the
            // rest go again, and their -5 is this send's success.
            settled = orders.filter { !canResend($0) }.map(mayExist)
            again = [orders.filter(canResend)]
        case .retry(let reason, _):
            // Retries ran out: sent, but nothing definitive came back.
            let issue = OrderIssue(code: "no_answer", message: "no definitive answer after \(settings.maxAttempts) attempts: \(reason)")
            settled = orders.map { OrderOutcome(externalId: $0.externalId, outcome: .unknown, errors: [issue]) }
        }
        if careful {
            // Whatever left such an order unknown, it may exist at the target.
            let unsafe = Set(orders.filter { !canResend($0) }.map(\.externalId))
            for i in settled.indices where settled[i].outcome == .unknown && unsafe.contains(settled[i].externalId) && !settled[i].isHeld {
                settled[i].errors.append(mayExistIssue)
            }
        }
        if let record { try? await report(.response(record, settled: settled)) } else if !settled.isEmpty { try? await report(.outcomes(settled)) }
        var out = settled
        let resendingUnanswered = resent || (careful && delivered)
        for part in again { out += await send(part, depth: depth + 1, resent: resendingUnanswered, report: report) }
        return out
    }

    /// How often one request fetches a new token after a 401 before its
    /// orders end `not_saved`: another process with the same client may
    /// revoke ours by fetching its own, again and again.
    static let maxReauthentications = 4

    /// One request, with its retries and re-authentications.
    /// `stopWhenDelivered`: no retry once the request may have arrived.
    func exchange(_ orders: [Order], body prepared: [UInt8]? = nil, stopWhenDelivered: Bool = false,
                  report: @escaping @Sendable (SubmissionEvent) async throws -> Void) async -> (ResponseVerdict, RequestRecord?, Bool) {
        let body: [UInt8]
        let endpoint: (method: String, url: String)
        do {
            if let prepared { body = prepared } else { body = try target.requestBody(orders) }
            endpoint = try Self.url(for: target)
        } catch {
            return (.failed(status: 0, message: error.message), nil, false)
        }
        let sequence = await counter.next()
        let ids = orders.map(\.externalId)
        var attempt = 0
        /// Attempts that count against max_attempts (429s do not).
        var counted = 0
        var throttles = 0
        var answeredAtThrottle = 0
        var reauthentications = 0
        /// Tokens the target refused for this request: a retry only goes
        /// with a newer one.
        var refused: Set<String> = []
        var neverSent = true
        /// An earlier attempt may have reached the target unanswered.
        var delivered = false
        while true {
            attempt += 1
            counted += 1
            let auth: [(name: String, value: String)]
            do { auth = try await authenticator.headers() } catch {
                // Nothing went out: a passing failure of the token endpoint
                // is tried again like any other, a refusal ends it.
                if case .unavailable = error, counted < settings.maxAttempts {
                    try? await Task.sleep(for: .milliseconds(Int(delay(attempt: counted, retryAfter: nil) * 1000)))
                    continue
                }
                return (.unauthorized(status: 0, message: error.message), nil, delivered)
            }
            if let token = auth.first(where: { $0.name == "Authorization" })?.value, refused.contains(token) {
                return (.unauthorized(status: 401, message: "the target refused the token and no newer one came from the token endpoint"), nil, delivered)
            }
            let request = HTTPRequestData(method: endpoint.method, url: endpoint.url,
                                          headers: [("Content-Type", "application/json"), ("Accept", "application/json")] + auth,
                                          body: body)
            let verdict: ResponseVerdict
            // The pacer first: an order is journaled as going out only
            // when it goes, and the exchange is timed from then (a wait
            // for a place is not the target being slow).
            let ticket = await pacer.start()
            var answer = Pacer.Answer.none
            do {
                try await report(.sending(sequence: sequence, attempt: attempt, orderIds: ids))
            } catch {
                // Nothing goes out whose going out could not be recorded: a
                // process that died after such a send would later read these
                // orders as never sent, and send them again.
                await pacer.finish(ticket, .none)
                let why = "the journal could not record that these orders were going out, so they were not sent (\(error))"
                return delivered ? (.retry(reason: why, retryAfter: nil), nil, true) : (.notSent(why), nil, false)
            }
            let started = Date()
            let clock = ContinuousClock.now
            var record = RequestRecord(sequence: sequence, attempt: attempt, method: endpoint.method, url: endpoint.url,
                                       requestBody: body, status: nil, responseBody: [], error: nil,
                                       startedAt: started.ISO8601Format(),
                                       milliseconds: 0, orderIds: ids)
            do {
                var response = try await transport.send(request, timeout: settings.timeout)
                answer = response.status == 429 ? .throttled(retryAfter: response.header("Retry-After").flatMap(parseRetryAfter))
                    : .answered(ContinuousClock.now - clock)
                neverSent = false
                // Before anything reads it: an echo of our headers must not
                // reach the store, an error message or the screen.
                response.body = await authenticator.redactor().redact(response.body)
                record.status = response.status
                record.responseBody = response.body
                verdict = dialect.responseDecoder.decode(response, orders: orders, options: options)
            } catch {
                record.error = await authenticator.redactor().redact(error.message)
                if case .unreachable = error {} else { neverSent = false }
                verdict = .retry(reason: error.message, retryAfter: nil)
            }
            record.milliseconds = Int((ContinuousClock.now - clock) / .milliseconds(1))
            await pacer.finish(ticket, answer)
            switch verdict {
            case .retry(let reason, let retryAfter):
                if record.status == 429 {
                    let answered = await pacer.answered
                    throttles = answered > answeredAtThrottle ? 1 : throttles + 1
                    answeredAtThrottle = answered
                    if throttles < settings.maxThrottled { counted -= 1 }
                }
                guard counted < settings.maxAttempts else {
                    if neverSent {
                        return (.failed(status: 0, message: "could not reach the target after \(attempt) attempts: \(reason)"), record, false)
                    }
                    if !delivered && record.status == 429 {
                        // Every answer was 429: the target did nothing with them.
                        return (.failed(status: 429, message: "the target answered 429 Too Many Requests \(throttles) times in a row, and nothing else meanwhile; nothing was saved, send these again later: \(reason)"), record, false)
                    }
                    return (verdict, record, delivered)
                }
                // No answer, or a 5xx or malformed one after the request went
                // out: the target may have saved it.
                if record.status != 429 && !(record.error != nil && neverSent) { delivered = true }
                if delivered && stopWhenDelivered { return (verdict, record, true) }
                try? await report(.response(record, settled: []))
                // After a 429 with Retry-After the pacer holds every request
                // until then, this one included.
                let wait = record.status == 429 && retryAfter != nil ? 0 : delay(attempt: max(1, counted), retryAfter: retryAfter)
                try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            case .unauthorized(let status, _) where status == 401 && reauthentications < Self.maxReauthentications:
                guard await authenticator.usesTokens else { return (verdict, record, delivered) }
                // A revoked or expired token: fetch a newer one and try again.
                reauthentications += 1
                if let token = auth.first(where: { $0.name == "Authorization" })?.value { refused.insert(token) }
                try? await report(.response(record, settled: []))
                await authenticator.invalidate(auth)
                counted -= 1
            default:
                return (verdict, record, delivered)
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

/// A request's orders and its body, encoded while other requests are out
/// (nil if encoding failed: the exchange encodes again and says why).
struct PreparedRequest: Sendable {
    var orders: [Order]
    var body: [UInt8]?
}

actor OutcomeCollector {
    var all: [OrderOutcome] = []
    func add(_ o: [OrderOutcome]) { all += o }
}

actor Counter {
    var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}
