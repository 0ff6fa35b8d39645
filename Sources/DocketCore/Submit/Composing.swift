/// A target as the console lists it.
public struct TargetChoice: Sendable {
    public var name: String
    public var dialect: Dialect
    /// The target's own rules (its config can add to its dialect's: Omnia's
    /// product list, Centra's order number field), for the order editor.
    public var validator: OrderValidator

    public init(name: String, dialect: Dialect, validator: OrderValidator? = nil) {
        self.name = name
        self.dialect = dialect
        self.validator = validator ?? OrderValidator(dialect: dialect)
    }

    /// With no target configured, the editor still checks against each
    /// dialect's documented rules.
    public static let dialects = Dialect.allCases.map { TargetChoice(name: $0.rawValue, dialect: $0) }
}

/// An order of a selection at the version read.
public struct OrderKey: Sendable, Equatable {
    public var externalId: String
    public var version: Int

    public init(_ externalId: String, version: Int) {
        self.externalId = externalId
        self.version = version
    }
}

/// What a batch would be, read once from the store: the orders it takes
/// (with the version read, so a send never carries an order someone changed
/// since), how they split into requests, and what fails local validation.
/// The preview, `[`/`]` and the send all work from this one value. It holds
/// each order's key, not the order, and only the first requests and
/// refusals in full, so a selection of any size can be composed.
public struct ComposePlan: Sendable, Equatable {
    public static let shownRequests = 100
    public static let shownSkipped = 1000

    public var target: String
    public var dialect: Dialect
    /// The selection it was read by; a send checks each order still
    /// matches it.
    public var query: OrderQuery
    public var orderCount: Int
    /// External ids of the first requests (up to `shownRequests`), in order.
    public var requests: [[String]]
    /// How many requests the batch makes, and the most orders one carries.
    public var requestCount: Int
    public var largestRequest: Int
    /// Every order of the selection at the version read: what a send claims.
    public var keys: [OrderKey]
    /// The first orders that fail local validation (up to `shownSkipped`),
    /// and how many do.
    public var skipped: [OrderOutcome]
    public var skippedCount: Int
    /// Orders refused by this target and unchanged since, left out
    /// (`R` again takes them too).
    public var unchangedRefused: Int
    /// The first request's JSON, pretty, as it would be sent.
    public var firstRequest: String

    public init(target: String, dialect: Dialect, query: OrderQuery, orderCount: Int, requests: [[String]],
                requestCount: Int? = nil, largestRequest: Int? = nil, keys: [OrderKey] = [],
                skipped: [OrderOutcome], skippedCount: Int? = nil, unchangedRefused: Int = 0, firstRequest: String) {
        self.target = target
        self.dialect = dialect
        self.query = query
        self.orderCount = orderCount
        self.requests = requests
        self.requestCount = requestCount ?? requests.count
        self.largestRequest = largestRequest ?? requests.map(\.count).max() ?? 0
        self.keys = keys
        self.skipped = skipped
        self.skippedCount = skippedCount ?? skipped.count
        self.unchangedRefused = unchangedRefused
        self.firstRequest = firstRequest
    }

    /// Orders that would go out.
    public var sendable: Int { orderCount - skippedCount }
}

/// What a send started: the new batch, and why orders of the plan were
/// left out of it (another batch holds them, someone changed them).
public struct SendStarted: Sendable, Equatable {
    public var batch: String?
    public var leftOut: String?

    public init(batch: String?, leftOut: String?) {
        self.batch = batch
        self.leftOut = leftOut
    }
}

/// Composes and sends batches for the console: `BatchComposer` on a store
/// and a shared HTTP client. Sending runs in the background and writes to
/// the store, which the Batch screen reads.
public protocol Composer: Sendable {
    var targets: [TargetChoice] { get }
    func plan(target: String, query: OrderQuery) -> Result<ComposePlan, DocketError>
    /// The same, given up (nil) once `stillWanted` says so: a plan of a
    /// million orders takes seconds, and one for a screen left since is
    /// work nobody will see.
    func plan(target: String, query: OrderQuery, while stillWanted: @escaping () -> Bool) -> Result<ComposePlan, DocketError>?
    /// Request `index` (from 0) of the plan, as it would be sent, pretty.
    func request(_ index: Int, of plan: ComposePlan) -> Result<String, DocketError>
    /// Claims the plan's orders and starts sending those it could claim;
    /// returns at once.
    func send(_ plan: ComposePlan) -> Result<SendStarted, DocketError>
    /// Batches this process is still sending.
    var sending: Int { get }
    /// How fast each batch this process is sending goes now, by batch id.
    var paces: [String: Pace] { get }
    /// Starts looking up the batch's `unknown` orders at its target (those
    /// its API can be asked about); returns at once with what it does.
    func reconcile(batch: BatchSummary) -> Result<String, DocketError>
}

extension Composer {
    public var paces: [String: Pace] { [:] }

    public func plan(target: String, query: OrderQuery, while stillWanted: @escaping () -> Bool) -> Result<ComposePlan, DocketError>? {
        stillWanted() ? plan(target: target, query: query) : nil
    }

    public func reconcile(batch: BatchSummary) -> Result<String, DocketError> {
        .failure(DocketError("Looking orders up is not available here."))
    }
}
