/// Splits orders into the requests they go out in, checking each order as
/// it comes, so a batch of any size is planned while it is sent: the first
/// request is ready after its own orders were checked, not after all of
/// them, and no more orders are held than the requests being filled.
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
    /// Orders that fail the local checks, since last taken.
    public private(set) var skipped: [OrderOutcome] = []

    init(engine: SubmissionEngine) {
        selection = OrderValidator.Selection(validator: engine.validator)
        checkLocally = engine.checkLocally
        batchSize = max(1, engine.settings.batchSize)
        byOrigin = engine.dialect == .mirakl
        defaultOrigin = engine.options.defaultOrigin
    }

    public mutating func add(_ order: Order) {
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

    /// No more orders: what is being filled goes as it is.
    public mutating func finish() {
        for origin in origins {
            if let part = filling[origin], !part.isEmpty { ready.append(part) }
        }
        filling = [:]
        origins = []
    }

    /// The next full request, if one is ready.
    public mutating func next() -> [Order]? {
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
