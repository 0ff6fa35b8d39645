/// Splits orders into the requests they go out in, checking each order only
/// when a request needs it, so a batch of any size is planned while it is
/// sent: the first request is ready after its own orders were checked, not
/// after all of them (or all of a page), and no more orders are held than
/// a page and the requests being filled.
/// `SubmissionEngine.plan` and `run` both split through this, so a preview
/// and the send make the same requests.
public struct RequestPlanner: Sendable {
    var selection: OrderValidator.Selection
    let checkLocally: Bool
    let batchSize: Int
    /// Mirakl's origin belongs to the request: one origin per request.
    let byOrigin: Bool
    let defaultOrigin: Origin?
    /// Requests being filled, one per origin, in the order first seen.
    private var filling: [Origin: [Order]] = [:]
    private var origins: [Origin] = []
    private var ready: [[Order]] = []
    private var readyStart = 0
    /// Orders given but not yet checked, from `pendingStart` on.
    private var pending: [Order] = []
    private var pendingStart = 0
    private var finished = false
    /// Orders that fail the local checks, since last taken.
    public private(set) var skipped: [OrderOutcome] = []

    init(engine: SubmissionEngine) {
        selection = OrderValidator.Selection(validator: engine.validator)
        checkLocally = engine.checkLocally
        batchSize = max(1, engine.settings.batchSize)
        byOrigin = engine.dialect == .mirakl
        defaultOrigin = engine.options.defaultOrigin
    }

    /// Takes an order; it is checked when a request needs it.
    public mutating func add(_ order: Order) {
        pending.append(order)
    }

    /// Takes a page of orders; each is checked when a request needs it.
    /// The page is kept as it came rather than copied order by order: for a
    /// page of 20,000 orders that copying held the first request back by
    /// 50 ms.
    public mutating func add(_ orders: [Order]) {
        if pendingStart == pending.count {
            pending = orders
            pendingStart = 0
        } else {
            // Orders already placed are let go first, not kept until the
            // list drains.
            pending.removeFirst(pendingStart)
            pendingStart = 0
            pending += orders
        }
    }

    private mutating func place(_ order: Order) {
        let issues = checkLocally ? selection.check(order) : []
        guard issues.isEmpty else {
            skipped.append(OrderOutcome(externalId: order.externalId, outcome: .skipped, errors: issues))
            return
        }
        let origin = byOrigin ? order.origin ?? defaultOrigin ?? Origin() : Origin()
        if filling[origin] == nil {
            origins.append(origin)
            filling[origin] = []
            filling[origin]!.reserveCapacity(batchSize)
        }
        filling[origin]!.append(order)
        if filling[origin]!.count == batchSize {
            ready.append(filling[origin]!)
            filling[origin] = []
        }
    }

    /// No more orders: once the last are checked, what is being filled goes
    /// as it is.
    public mutating func finish() {
        finished = true
    }

    /// The next request, checking orders until one is full; nil when more
    /// orders are needed (or, after `finish`, when there are none left).
    public mutating func next() -> [Order]? {
        while readyStart == ready.count && pendingStart < pending.count {
            place(pending[pendingStart])
            pendingStart += 1
        }
        if pendingStart == pending.count && !pending.isEmpty {
            // Not keeping the capacity: a page taken whole still shares
            // its storage with the caller's, and keeping would copy it.
            pending = []
            pendingStart = 0
        }
        if readyStart == ready.count && finished && pending.isEmpty {
            for origin in origins {
                if let part = filling[origin], !part.isEmpty { ready.append(part) }
            }
            filling = [:]
            origins = []
        }
        guard readyStart < ready.count else { return nil }
        let request = ready[readyStart]
        readyStart += 1
        if readyStart == ready.count {
            ready = []
            readyStart = 0
        }
        return request
    }

    /// The skipped outcomes gathered since the last call.
    public mutating func takeSkipped() -> [OrderOutcome] {
        defer { skipped = [] }
        return skipped
    }
}

/// What a selection would go out as, tallied while it is planned: how many
/// requests and refusals, and the first of each in full, so a preview of
/// any size holds only what it shows (Compose, `submit --dry-run`).
public struct PlanTally: Sendable {
    let keepRequests: Int
    let keepSkipped: Int
    public private(set) var requestCount = 0
    public private(set) var largestRequest = 0
    /// External ids of the first `keepRequests` requests.
    public private(set) var requests: [[String]] = []
    /// The first request's orders, to show it as it would be sent.
    public private(set) var firstOrders: [Order] = []
    public private(set) var skipped: [OrderOutcome] = []
    public private(set) var skippedCount = 0

    public init(keepRequests: Int, keepSkipped: Int) {
        self.keepRequests = keepRequests
        self.keepSkipped = keepSkipped
    }

    /// Counts every request and refusal the planner has ready.
    public mutating func take(from planner: inout RequestPlanner) {
        while let r = planner.next() {
            requestCount += 1
            largestRequest = max(largestRequest, r.count)
            if requests.count < keepRequests { requests.append(r.map(\.externalId)) }
            if firstOrders.isEmpty { firstOrders = r }
        }
        let s = planner.takeSkipped()
        skippedCount += s.count
        skipped += s.prefix(max(0, keepSkipped - skipped.count))
    }
}
