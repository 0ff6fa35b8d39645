import DocketCore

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

/// What a batch would be: its requests and what fails local validation.
public struct ComposePlan: Sendable, Equatable {
    public var target: String
    public var orderCount: Int
    public var requestSizes: [Int]
    public var skipped: [OrderOutcome]
    /// The first request's JSON, pretty, as it would be sent.
    public var firstRequest: String

    public init(target: String, orderCount: Int, requestSizes: [Int], skipped: [OrderOutcome], firstRequest: String) {
        self.target = target
        self.orderCount = orderCount
        self.requestSizes = requestSizes
        self.skipped = skipped
        self.firstRequest = firstRequest
    }
}

/// Composes and sends batches for the console; the command line provides it
/// (it holds the config, the HTTP client and the store). Sending runs in the
/// background and writes to the store, which the Batch screen reads.
public protocol Composer: Sendable {
    var targets: [TargetChoice] { get }
    func plan(target: String, query: OrderQuery) -> Result<ComposePlan, DocketError>
    /// Request `index` (from 0) of the plan, as it would be sent, pretty.
    func request(_ index: Int, target: String, query: OrderQuery) -> Result<String, DocketError>
    /// Starts sending; returns the new batch's id at once.
    func send(target: String, query: OrderQuery) -> Result<String, DocketError>
    /// Batches this process is still sending.
    var sending: Int { get }
}
