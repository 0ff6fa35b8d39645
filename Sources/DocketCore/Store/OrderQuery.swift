/// What a listing asks the store for: filters, a sort, and where to resume.
///
/// Paging is by key (the last row's sort value and external id), never by
/// offset, so the millionth row costs what the first does.
public struct OrderQuery: Sendable, Equatable {
    public var statuses: [OrderStatus] = []
    /// The latest outcome: at `target` when one is given, else at any
    /// target. `"none"` matches orders never sent (there).
    public var outcomes: [String] = []
    /// Orders sent to this target at least once; with `outcomes`, what it
    /// said last.
    public var target: String?
    /// Only orders changed since the outcome they have (at `target`, or at
    /// any target): edited or re-imported after they were sent.
    public var changed = false
    /// With `target`: leave out orders it refused that nobody changed since
    /// (they would be refused again).
    public var skipUnchangedRefusals = false
    /// With `target`: leave out orders it may hold unbeknown (sent, no
    /// answer, and no way to send them again safely) until someone settles
    /// them.
    public var skipHeld = false
    /// Free text: external id, customer or SKU (prefix match on words).
    public var search: String?
    public var ids: [String] = []
    /// Only orders this target has not yet taken (its last word on them was
    /// not `accepted` or `exists`): what `submit` and `validate` take by
    /// default.
    public var notTakenBy: String?
    /// Whether `notTakenBy` updates what it holds (an upsert): an order
    /// changed since it took it goes again. A create-only target keeps its
    /// first version.
    public var notTakenByUpdates = true
    public var sort: OrderSort = .externalId
    public var descending = false

    public init(statuses: [OrderStatus] = [], outcomes: [String] = [], target: String? = nil,
                search: String? = nil, ids: [String] = [], sort: OrderSort = .externalId, descending: Bool = false) {
        self.statuses = statuses
        self.outcomes = outcomes
        self.target = target
        self.search = search
        self.ids = ids
        self.sort = sort
        self.descending = descending
    }
}

extension OrderQuery {
    /// The same sort with no filter: every order.
    public var unfiltered: OrderQuery { OrderQuery(sort: sort, descending: descending) }

    /// What `submit` and `validate` take with no selection: every OPEN order
    /// `target` has not yet taken, or took at an older version when it can
    /// update it, and none it may hold unbeknown.
    public static func sendable(to target: String, canUpdate: Bool) -> OrderQuery {
        var q = OrderQuery(statuses: [.open])
        q.notTakenBy = target
        q.notTakenByUpdates = canUpdate
        return q
    }
    /// Some filter or search narrows the listing.
    public var isFiltered: Bool { self != unfiltered }
}

public enum OrderSort: String, Sendable, CaseIterable {
    case externalId = "id"
    case orderDate = "date"
    case customer
    case status
    case updated
    case outcome

    /// The orders table's column it sorts by, the same in both stores.
    public var column: String {
        switch self {
        case .externalId: "external_id"
        case .orderDate: "order_date"
        case .customer: "customer"
        case .status: "status"
        case .updated: "updated_at"
        case .outcome: "last_outcome"
        }
    }
}

extension OrderQuery {
    /// Keyset paging as both stores write it: the condition for the rows
    /// after (or, `inclusive`, from) `cursor` in this query's order, to add
    /// to the filter, and the ORDER BY. `bind` takes a value and gives its
    /// placeholder, in the order the values appear.
    public func keyset(after cursor: PageCursor?, inclusive: Bool, bind: (String) -> String) -> (condition: String, order: String) {
        let col = sort.column
        let dir = descending ? "DESC" : "ASC"
        let cmp = (descending ? "<" : ">") + (inclusive ? "=" : "")
        var condition = ""
        if let cursor {
            if sort == .externalId {
                condition = " AND external_id \(cmp) \(bind(cursor.externalId))"
            } else {
                let value = bind(cursor.sortValue)
                condition = " AND (\(col), external_id) \(cmp) (\(value), \(bind(cursor.externalId)))"
            }
        }
        return (condition, sort == .externalId ? "external_id \(dir)" : "\(col) \(dir), external_id \(dir)")
    }
}

/// Where the next page starts: just after this row in the query's order.
public struct PageCursor: Sendable, Equatable {
    public var sortValue: String
    public var externalId: String
    public init(sortValue: String, externalId: String) {
        self.sortValue = sortValue
        self.externalId = externalId
    }
}

/// One line of a listing: what a table shows, without the full order.
public struct OrderSummary: Sendable, Equatable {
    public var externalId: String
    public var status: OrderStatus
    public var version: Int
    public var importedFrom: Dialect?
    public var orderDate: String
    public var customer: String
    public var email: String
    public var country: String
    public var currency: String
    /// Exact text of the total, empty when the order has none.
    public var total: String
    public var itemCount: Int
    public var lastOutcome: String?
    public var lastTarget: String?
    public var updatedAt: String

    public init(externalId: String, status: OrderStatus, version: Int, importedFrom: Dialect?, orderDate: String,
                customer: String, email: String, country: String, currency: String, total: String, itemCount: Int,
                lastOutcome: String?, lastTarget: String?, updatedAt: String) {
        self.externalId = externalId
        self.status = status
        self.version = version
        self.importedFrom = importedFrom
        self.orderDate = orderDate
        self.customer = customer
        self.email = email
        self.country = country
        self.currency = currency
        self.total = total
        self.itemCount = itemCount
        self.lastOutcome = lastOutcome
        self.lastTarget = lastTarget
        self.updatedAt = updatedAt
    }

    /// The value this row sorts by under `sort`, for the next page's cursor.
    public func sortValue(_ sort: OrderSort) -> String {
        switch sort {
        case .externalId: externalId
        case .orderDate: orderDate
        case .customer: customer
        case .status: status.rawValue
        case .updated: updatedAt
        case .outcome: lastOutcome ?? ""
        }
    }

    /// The OUTCOME column: the outcome at the listing's target, or the
    /// latest at any target with that target's name ("rejected@cropster").
    public func outcomeText(listingTarget: String?) -> String {
        guard let lastOutcome else { return "—" }
        guard listingTarget == nil, let lastTarget else { return lastOutcome }
        return "\(lastOutcome)@\(lastTarget)"
    }

    public func cursor(_ sort: OrderSort) -> PageCursor {
        PageCursor(sortValue: sortValue(sort), externalId: externalId)
    }
}

/// An order as the store holds it, with what the store knows about it.
public struct StoredOrder: Sendable, Equatable {
    public var order: Order
    public var version: Int
    public var lastOutcome: String?
    public var lastTarget: String?
    public var createdAt: String
    public var updatedAt: String
    /// The latest outcome at each target it was sent to (filled in where
    /// one order is read, not in bulk reads).
    public var targets: [TargetOutcome] = []

    public init(order: Order, version: Int, lastOutcome: String?, lastTarget: String?, createdAt: String, updatedAt: String) {
        self.order = order
        self.version = version
        self.lastOutcome = lastOutcome
        self.lastTarget = lastTarget
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// An order's latest outcome at one target, and the version it was about.
public struct TargetOutcome: Sendable, Equatable {
    public var target: String
    public var dialect: Dialect?
    public var outcome: Outcome
    public var batch: String
    /// The version of the order the outcome was for.
    public var version: Int
    /// The target may hold the order although it never said so (Centra
    /// without an order number): kept out of sends until settled.
    public var held: Bool
    public var at: String

    public init(target: String, dialect: Dialect?, outcome: Outcome, batch: String, version: Int, held: Bool, at: String) {
        self.target = target
        self.dialect = dialect
        self.outcome = outcome
        self.batch = batch
        self.version = version
        self.held = held
        self.at = at
    }

    /// What a person should know about it, given the order's version now:
    /// "changed since accepted", or that a create-only target keeps its old
    /// version. Nil when nothing needs saying.
    public func note(currentVersion: Int) -> String? {
        if held { return "may exist at \(target) unanswered: look it up there before sending it again" }
        guard currentVersion > version else { return nil }
        if outcome.isTaken, let dialect, !dialect.updatesOrders {
            return "changed since \(target) created it (v\(version)); \(dialect.displayName) cannot update it"
        }
        return "changed since \(target) said \(outcome.rawValue) (v\(version), now v\(currentVersion))"
    }
}

/// What one import did.
public struct ImportSummary: Sendable, Equatable {
    public var added = 0
    public var replaced = 0
    /// Of those replaced, the ones whose fields all stayed as they were (a
    /// file imported again): each still makes a version.
    public var replacedUnchanged = 0
    /// Orders already in the store and not `OPEN`: left as they were.
    public var keptNotOpen: [String] = []
    public var keptNotOpenCount = 0
    public init() {}

    public var total: Int { added + replaced + keptNotOpenCount }
}

/// The store as the core sees it; `DocketStore` implements it on SQLite.
public protocol OrderStoring: Sendable {
    /// Runs `produce` in one write transaction; every order it emits is
    /// added, or replaces the stored one if that is `OPEN`. If `produce`
    /// throws, nothing is kept. `canonicalJSON`, when given, is the order
    /// already in Docket's format (as read from a Docket file), which the
    /// store keeps as is instead of encoding the order again.
    func importOrders(_ produce: (_ emit: (Order, _ canonicalJSON: [UInt8]?) throws -> Void) throws -> Void) throws -> ImportSummary
    func order(externalId: String) throws -> StoredOrder?
    func page(_ query: OrderQuery, after: PageCursor?, limit: Int) throws -> [OrderSummary]
    /// A page that starts at `from` itself (the console reloading the rows
    /// it shows, as other processes change them).
    func page(_ query: OrderQuery, from: PageCursor, limit: Int) throws -> [OrderSummary]
    func count(_ query: OrderQuery) throws -> Int
    /// The count, but no more than `limit`: a cheap "is it over" on a
    /// million orders.
    func count(_ query: OrderQuery, atMost limit: Int) throws -> Int
    /// Saves an edit, refused unless the stored order is still at
    /// `expectedVersion` and `OPEN`; the store keeps who saved it, when,
    /// and what changed (`source`: `edit`, `fix`, …).
    func save(_ order: Order, expectedVersion: Int, source: String) throws -> StoredOrder
    /// Every order matching `query`, in its order, a page at a time.
    func forEachOrder(_ query: OrderQuery, _ body: (StoredOrder) throws -> Void) throws
    /// Each matching order's external id and version, in external id
    /// order, without reading the orders themselves.
    func forEachKey(_ query: OrderQuery, _ body: (_ externalId: String, _ version: Int) throws -> Void) throws
}

extension OrderStoring {
    public func count(_ query: OrderQuery, atMost limit: Int) throws -> Int { min(try count(query), limit) }

    /// A save from the editor.
    public func save(_ order: Order, expectedVersion: Int) throws -> StoredOrder {
        try save(order, expectedVersion: expectedVersion, source: "edit")
    }

    /// Imports orders held in memory, in one transaction.
    public func importOrders(_ orders: some Sequence<Order>) throws -> ImportSummary {
        try importOrders { emit in for order in orders { try emit(order, nil) } }
    }
}

/// A whole store as the commands and the console use it: orders, the
/// journal, the history. SQLite (a file) and PostgreSQL (a server) both are.
public protocol DocketStore: OrderStoring, BatchJournal, BatchHistory {
    /// Where it is, for messages: a file's path, or a URL (without a
    /// password).
    var location: String { get }
    /// Batches that never finished, newest first, each with who is (or
    /// was) sending it.
    func unfinishedBatches() throws -> [(summary: BatchSummary, owner: BatchOwner?)]
    /// Every saved version of an order after its import, oldest first.
    func history(of externalId: String) throws -> [OrderChange]
    /// This user may only read it (a file without write permission, a
    /// database role with only SELECT): the console says so.
    var isReadOnly: Bool { get }
}
