/// Local validation for one target: each order checked as it would be sent
/// there, plus the rules that span orders (duplicate ids, Mirakl line ids
/// unique across the channel, Omnia item ids in the contract's products).
public struct OrderValidator: Sendable {
    public var dialect: Dialect
    public var options: EncodeOptions
    /// Omnia: the contract's customerProductIds, when a local list is given.
    public var knownProducts: Set<String>?

    public init(dialect: Dialect, options: EncodeOptions = EncodeOptions(mode: .complete), knownProducts: Set<String>? = nil) {
        self.dialect = dialect
        var options = options
        options.mode = .complete
        self.options = options
        self.knownProducts = knownProducts
    }

    /// The most orders one request of this dialect may carry (documented
    /// limits; Centra and Mirakl document none, Dropday takes one).
    public static func requestLimit(_ dialect: Dialect) -> Int? {
        switch dialect {
        case .cropster: 50
        case .omnia: 10_000
        case .dropday: 1
        case .centra, .mirakl: nil
        }
    }

    /// The problems with one order on its own.
    public func validate(_ order: Order) -> [OrderIssue] {
        var checker = RuleChecker(dialect: dialect, paths: FieldPaths.of(dialect))
        let body: JSONValue
        do {
            body = try dialect.codec.encodeRequest(one: order, options: options)
        } catch {
            return [OrderIssue(code: "encode", message: error.message)]
        }
        let (object, request) = Self.orderObject(body, dialect: dialect)
        guard let object else { return [OrderIssue(code: "encode", message: "the order could not be put in a \(dialect.displayName) request")] }
        DialectRules.check(dialect, order: object, request: request, &checker)
        if dialect == .omnia, let request { DialectRules.omniaRequest(request, &checker) }
        if dialect == .omnia, let knownProducts {
            for (i, item) in order.items.enumerated() {
                let id = item.productId ?? item.sku
                if let id, !knownProducts.contains(id) {
                    checker.add("items[\(i)].itemId", "unknown_product", "\"\(id)\" is not a product of this contract")
                }
            }
        }
        // Centra's one `address` is the order's only address, whichever it is.
        // (Matched as cases: comparing with nil copied both addresses.)
        if dialect == .centra, case .none = order.billingAddress, case .some = order.shippingAddress {
            return checker.issues.map { issue in
                var issue = issue
                if let f = issue.field, f.hasPrefix("billingAddress") { issue.field = "shippingAddress" + f.dropFirst("billingAddress".count) }
                return issue
            }
        }
        return checker.issues
    }

    /// What goes out changed (dates moved to UTC, prices rounded), said
    /// before it is sent; not problems.
    public func conversions(_ order: Order) -> [OrderIssue] {
        dialect.codec.conversions(order, options: options)
    }

    /// Problems per order (by external id), including those across orders;
    /// orders without problems are left out.
    public func validate(_ orders: [Order]) -> [String: [OrderIssue]] {
        var selection = Selection(validator: self)
        var result: [String: [OrderIssue]] = [:]
        for order in orders {
            let issues = selection.check(order)
            if !issues.isEmpty { result[order.externalId, default: []] += issues }
        }
        return result
    }

    /// Checks orders one at a time while remembering what spans them, so a
    /// selection of any size is checked without holding it in memory.
    public struct Selection: Sendable {
        let validator: OrderValidator
        var seenIds = SeenTexts<Void>()
        /// Each Mirakl line id with the order that first used it.
        var lineOwners = SeenTexts<String>()

        public init(validator: OrderValidator) { self.validator = validator }

        public mutating func check(_ order: Order) -> [OrderIssue] {
            var issues = validator.validate(order)
            if seenIds.insert(order.externalId, ()) != nil {
                issues.append(OrderIssue(code: "duplicate", message: "this order appears twice in the selection", field: "externalId"))
            }
            if validator.dialect == .mirakl {
                for (i, item) in order.items.enumerated() {
                    guard let line = item.lineId, !line.isEmpty else { continue }
                    if let owner = lineOwners.insert(line, order.externalId) {
                        let other = owner == order.externalId ? "another line of this order" : "order \(owner)"
                        issues.append(OrderIssue(code: "duplicate_line",
                                                 message: "line id \(line) is also used by \(other); Mirakl needs it unique across the channel",
                                                 field: "items[\(i)].lineId"))
                    }
                }
            }
            return issues
        }
    }

    /// Checks one order's JSON exactly as it arrived in a request of this
    /// dialect, naming problems by the vendor's paths: how the sandbox
    /// applies the same documented rules a vendor would.
    public static func vendorIssues(_ dialect: Dialect, order: JSONObject, request: JSONObject?) -> [VendorIssue] {
        var checker = RuleChecker(dialect: dialect, paths: FieldPaths.of(dialect))
        DialectRules.check(dialect, order: order, request: request, &checker)
        return checker.vendorIssues
    }

    /// Problems with the request around the orders, by the vendor's paths
    /// (Omnia allows nothing beside `version` and `orders`).
    public static func vendorRequestIssues(_ dialect: Dialect, request: JSONObject) -> [VendorIssue] {
        guard dialect == .omnia else { return [] }
        var checker = RuleChecker(dialect: dialect, paths: FieldPaths.of(dialect))
        DialectRules.omniaRequest(request, &checker)
        return checker.vendorIssues
    }

    /// The single order's object in an encoded one-order body, with the
    /// request around it (Mirakl's origin lives there).
    static func orderObject(_ body: JSONValue, dialect: Dialect) -> (JSONObject?, JSONObject?) {
        let top = body.objectValue
        switch dialect {
        case .cropster: return (top?["data"]?.arrayValue?.first?.objectValue, top)
        case .mirakl, .omnia: return (top?["orders"]?.arrayValue?.first?.objectValue, top)
        case .centra: return (top?.members.first?.value.objectValue, top)
        case .dropday: return (top, nil)
        }
    }
}
