/// How one order of a batch ended. Every order of every batch ends with
/// exactly one of these.
public enum Outcome: String, Sendable, CaseIterable, Codable {
    /// The target took the order.
    case accepted
    /// The target already had that order number.
    case exists
    /// The target refused this order; its errors say why.
    case rejected
    /// An all-or-nothing request failed because of other orders, or the
    /// request could not be made; nothing of this order was saved.
    case notSaved = "not_saved"
    /// Never sent: it failed local validation, or it was edited or deleted
    /// after the batch claimed it (its errors say which).
    case skipped
    /// Sent, but no definitive answer came back after every retry.
    case unknown
    /// Not finished yet.
    case pending

    /// The order is at the target now.
    public var isTaken: Bool { self == .accepted || self == .exists }
}

/// One order's outcome in a batch, with what the target said.
public struct OrderOutcome: Sendable, Equatable {
    public var externalId: String
    public var outcome: Outcome
    public var remoteIds: [String]
    public var errors: [OrderIssue]

    public init(externalId: String, outcome: Outcome, remoteIds: [String] = [], errors: [OrderIssue] = []) {
        self.externalId = externalId
        self.outcome = outcome
        self.remoteIds = remoteIds
        self.errors = errors
    }

    /// The code of the error that says the target may hold the order
    /// although nobody heard it say so, and that sending it again could
    /// create it twice.
    public static let mayExistCode = "may_exist"

    /// Kept out of later sends until someone settles it.
    public var isHeld: Bool { outcome == .unknown && errors.contains { $0.code == Self.mayExistCode } }

    public var json: JSONValue {
        .object(JSONObject([
            .init("externalId", .string(externalId)), .init("outcome", .string(outcome.rawValue)),
            .init("remoteIds", .array(remoteIds.map { .string($0) })), .init("errors", .array(errors.map(\.json))),
        ]))
    }
}
