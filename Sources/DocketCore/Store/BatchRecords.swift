/// A batch as its history shows it.
public struct BatchSummary: Sendable, Equatable {
    public var id: String
    public var target: String
    public var dialect: Dialect
    public var createdAt: String
    public var finishedAt: String?
    public var orderCount: Int
    public var counts: [Outcome: Int]

    public init(id: String, target: String, dialect: Dialect, createdAt: String, finishedAt: String?, orderCount: Int, counts: [Outcome: Int]) {
        self.id = id
        self.target = target
        self.dialect = dialect
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.orderCount = orderCount
        self.counts = counts
    }

    /// PRODUCT.md's counts object, every outcome present.
    public var countsJSON: JSONValue { Self.countsJSON(counts) }

    public static func countsJSON(_ counts: [Outcome: Int]) -> JSONValue {
        .object(JSONObject(Outcome.allCases.map { .init($0.rawValue, .number(String(counts[$0] ?? 0))) }))
    }
}

/// A batch with every order's outcome: `docket submit --json` and
/// `docket batch show --json` print this.
public struct BatchReport: Sendable {
    public var summary: BatchSummary
    public var outcomes: [OrderOutcome]

    public init(summary: BatchSummary, outcomes: [OrderOutcome]) {
        self.summary = summary
        self.outcomes = outcomes
    }

    public var json: JSONValue {
        .object(JSONObject([
            .init("batch", .string(summary.id)), .init("target", .string(summary.target)),
            .init("dialect", .string(summary.dialect.rawValue)), .init("counts", summary.countsJSON),
            .init("orders", .array(outcomes.map(\.json))),
        ]))
    }

    /// Every order is at the target.
    public var allTaken: Bool { outcomes.allSatisfy { $0.outcome.isTaken } }
}

extension BatchHistory {
    public func batch(_ id: String) throws -> BatchReport? { try batch(id, failedOnly: false, limit: nil) }
}

/// Reading the batch history: the console's Batches and Batch screens.
public protocol BatchHistory: Sendable {
    func batches(limit: Int) throws -> [BatchSummary]
    /// The batch with its outcomes; `failedOnly` keeps those that did not
    /// make it (not accepted or exists), at most `limit` of them, so the
    /// end of a million-order send need not read a million outcomes.
    func batch(_ id: String, failedOnly: Bool, limit: Int?) throws -> BatchReport?
    /// Every request of a batch, in the order sent; without their bodies
    /// (empty) when only the list is shown.
    func requests(batch: String, withBodies: Bool) throws -> [RequestRecord]
    /// One request with its bodies.
    func request(batch: String, sequence: Int, attempt: Int) throws -> RequestRecord?
    /// The latest batch's word on one order (nil if it was never sent).
    func latestOutcome(of externalId: String) throws -> LatestOutcome?
    /// Each order of the query whose latest word at a target (at
    /// `query.target` when it names one) is a failure, with its errors:
    /// what the Errors view groups. Newest first, at most `limit`.
    func failures(_ query: OrderQuery, limit: Int) throws -> [LatestOutcome]
    /// Where a batch's record ends now: what `batchChanges` reads on from.
    func batchPosition(_ id: String) throws -> BatchPosition
    /// What a batch recorded since `position`: its summary as it stands
    /// (counts only once it finished), the outcomes recorded since and the
    /// requests added since. Nil when the batch is not in the store.
    func batchChanges(_ id: String, since position: BatchPosition) throws -> BatchChanges?
}

/// A place in a batch's record: the time of the latest outcome read (read
/// again from that second on, so none written in it is missed) and the
/// last request read.
public struct BatchPosition: Sendable, Equatable {
    public var outcomesAt: String
    public var requestId: Int64

    public init(outcomesAt: String = "", requestId: Int64 = 0) {
        self.outcomesAt = outcomesAt
        self.requestId = requestId
    }
}

public struct BatchChanges: Sendable {
    /// Counts are empty while the batch runs: the reader keeps its own.
    public var summary: BatchSummary
    public var outcomes: [OrderOutcome]
    public var requests: [RequestRecord]
    public var position: BatchPosition

    public init(summary: BatchSummary, outcomes: [OrderOutcome], requests: [RequestRecord], position: BatchPosition) {
        self.summary = summary
        self.outcomes = outcomes
        self.requests = requests
        self.position = position
    }
}

/// What the latest batch an order went in said about it: the order screen
/// shows its errors next to the fields they name.
public struct LatestOutcome: Sendable, Equatable {
    public var batch: String
    public var target: String
    /// When the outcome was recorded, as the store wrote it.
    public var at: String
    public var outcome: OrderOutcome

    public init(batch: String, target: String, at: String, outcome: OrderOutcome) {
        self.batch = batch
        self.target = target
        self.at = at
        self.outcome = outcome
    }
}
