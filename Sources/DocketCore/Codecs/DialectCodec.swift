/// How faithfully to encode, and what the target's settings add.
public struct EncodeOptions: Sendable {
    public enum Mode: Sendable {
        /// Write what the order has, no more: an order goes back to its own
        /// dialect exactly as it came (export).
        case faithful
        /// Also fill a dialect's fields from their equivalents elsewhere in
        /// the order (a Cropster `sku` as an Omnia `itemId`), as a submission
        /// needs.
        case complete
    }

    public var mode: Mode
    /// Centra: where the integer `orderNumber` comes from.
    public var centraOrderNumber: CentraOrderNumber
    /// Centra: the target's top-level settings, for orders that bring none.
    public var centra: CentraDefaults
    /// Mirakl: the origin for orders that bring none of their own.
    public var defaultOrigin: Origin?
    /// Dropday: `true` sends every order as a test order.
    public var dropdayTest: Bool?

    public init(mode: Mode = .faithful, centraOrderNumber: CentraOrderNumber = .auto, centra: CentraDefaults = CentraDefaults(),
                defaultOrigin: Origin? = nil, dropdayTest: Bool? = nil) {
        self.mode = mode
        self.centraOrderNumber = centraOrderNumber
        self.centra = centra
        self.defaultOrigin = defaultOrigin
        self.dropdayTest = dropdayTest
    }
}

/// Where Centra's `orderNumber` comes from (target setting `order_number`).
/// Centra compares only this integer to refuse a repeat (-5), so it is the
/// only thing that makes a resend safe there.
public enum CentraOrderNumber: String, Sendable, CaseIterable {
    /// An imported `orderNumber`, else the external id when it is all digits.
    case auto
    /// The external id when it is all digits; an imported number is ignored.
    case externalId = "external_id"
    /// Never send one.
    case none
}

/// Centra top-level members a target may set for every order (an order's
/// own value wins).
public struct CentraDefaults: Sendable, Equatable {
    public var pricelist: String?
    public var market: String?
    public var shippingList: String?
    public var sendEmail: Bool?
    public var adjustStock: Bool?
    public var createOnly: Bool?
    public init() {}
}

/// Encodes and decodes one dialect's request body.
public protocol DialectCodec: Sendable {
    var dialect: Dialect { get }
    /// The orders in a request body, as `import --format <dialect>` reads it.
    func decodeRequest(_ body: JSONValue) throws(DocketError) -> [Order]
    /// One request body holding `orders`.
    func encodeRequest(_ orders: [Order], options: EncodeOptions) throws(DocketError) -> JSONValue
    /// The same body for one order. Each order's checks encode it alone,
    /// and putting it in a list first copied it (dozens of fields), which
    /// cost a tenth of the checks.
    func encodeRequest(one order: Order, options: EncodeOptions) throws(DocketError) -> JSONValue
    /// What encoding changes on the way out (a date moved to UTC, a price
    /// rounded), so validate and the console can say so before it is sent.
    func conversions(_ order: Order, options: EncodeOptions) -> [OrderIssue]
}

extension DialectCodec {
    public func conversions(_ order: Order, options: EncodeOptions) -> [OrderIssue] { [] }
}

extension OrderIssue {
    /// Not a problem: a value that goes out changed, and how.
    static func converted(_ field: String, _ message: String) -> OrderIssue {
        OrderIssue(code: "converted", message: message, field: field)
    }
}

extension Dialect {
    public var codec: any DialectCodec {
        switch self {
        case .cropster: CropsterCodec()
        case .centra: CentraCodec()
        case .mirakl: MiraklCodec()
        case .omnia: OmniaCodec()
        case .dropday: DropdayCodec()
        }
    }
}

/// A dialect whose request is one object around a list of orders, each
/// encoded on its own (Cropster, Omnia).
protocol OrderListCodec: DialectCodec {
    func encode(_ o: Order, _ e: EncodingOrder) -> FieldWriter
    /// The request around its orders; members beside the list come back
    /// from the first order.
    func body(_ orders: [FieldWriter], first: EncodingOrder?) -> JSONValue
}

extension OrderListCodec {
    public func encodeRequest(_ orders: [Order], options: EncodeOptions) throws(DocketError) -> JSONValue {
        body(orders.map { encode($0, EncodingOrder($0, dialect: dialect, options: options)) },
             first: orders.isEmpty ? nil : EncodingOrder(orders[0], dialect: dialect, options: options))
    }

    public func encodeRequest(one order: Order, options: EncodeOptions) -> JSONValue {
        let e = EncodingOrder(order, dialect: dialect, options: options)
        return body([encode(order, e)], first: e)
    }
}

/// One order being encoded: whether its unknown fields belong here, and
/// whether to fill fields from their equivalents.
struct EncodingOrder {
    // Not the order itself: copying an order (dozens of fields) for each
    // one encoded cost more than the checks. The codecs take the order as
    // its own argument; this holds what they ask of it besides.
    let items: [OrderItem]
    let unknownFields: [String: JSONObject]
    let keepUnknown: Bool
    let fill: Bool

    init(_ order: borrowing Order, dialect: Dialect, options: EncodeOptions) {
        items = order.items
        unknownFields = order.unknownFields
        keepUnknown = order.importedFrom == dialect
        fill = options.mode == .complete || order.importedFrom != dialect
    }

    func unknown(_ rel: @autoclosure () -> String) -> JSONObject? {
        keepUnknown ? unknownFields[rel()] : nil
    }

    /// The item lines; an order with none writes no list when faithful (a
    /// body that had none goes back without one).
    func lines(_ body: (Int, Line) -> FieldWriter) -> [JSONValue]? {
        if items.isEmpty && !fill { return nil }
        return items.withUnsafeBufferPointer { lines in
            var out: [JSONValue] = []
            out.reserveCapacity(lines.count)
            for i in lines.indices { out.append(body(i, Line(lines.baseAddress! + i)).value) }
            return out
        }
    }

    /// An item line lent to a codec, read field by field in place. Passed
    /// as an `OrderItem`, the optimiser copied each line (a dozen fields)
    /// into the codec's closure: 5–10% of each dialect's checks. It points
    /// into the order's items only while `lines` runs: a codec reads it
    /// there and keeps none of it.
    @dynamicMemberLookup
    struct Line {
        private let item: UnsafePointer<OrderItem>
        init(_ item: UnsafePointer<OrderItem>) { self.item = item }
        subscript<T>(dynamicMember field: KeyPath<OrderItem, T>) -> T { item.pointee[keyPath: field] }
    }

    /// `value` itself, or when filling, the first equivalent that is there
    /// (`a ?? b ?? c`, read only as far as needed: a list of them was built
    /// whole, copying whole addresses, for every field of every order).
    func pick<T>(_ value: T?, _ fallback: @autoclosure () -> T?) -> T? {
        if let value { return value }
        return fill ? fallback() : nil
    }
}

/// Request-level members beside the order list are kept on every order
/// under this key, and written back from the first.
let requestUnknownKey = "$request"

/// Decodes a request body that holds its orders in one list member
/// (Cropster `data`, Mirakl and Omnia `orders`). `request` reads what belongs
/// to the whole request (Mirakl's origin); members beside the list that no
/// one reads travel with every order. `order` reads one order's fields.
func decodeOrderList<Shared>(
    _ body: JSONValue, key: String, idField: String, dialect: Dialect,
    request: (inout FieldReader) throws(DocketError) -> Shared,
    order: (inout FieldReader, inout Order, Shared) throws(DocketError) -> Void
) throws(DocketError) -> [Order] {
    guard case .object = body else {
        throw DocketError("a \(dialect.displayName) request body is an object with \"\(key)\": [...], but this file holds \(body.kindName)", jsonPath: "$")
    }
    var top = try FieldReader(body, path: "$", relPath: requestUnknownKey, unknown: UnknownFields())
    guard let list = try top.rawArray(key) else {
        throw DocketError("a \(dialect.displayName) request body needs \"\(key)\": [...], the list of orders", jsonPath: "$")
    }
    let shared = try request(&top)
    top.finish()
    var orders: [Order] = []
    orders.reserveCapacity(list.count)
    for (i, element) in list.enumerated() {
        let unknown = UnknownFields(top.unknown.byPath)
        var r = try FieldReader(element, path: "$.\(key)[\(i)]", relPath: "", unknown: unknown)
        var o = Order(externalId: try requireId(try r.string(idField), field: idField, path: r.path))
        o.importedFrom = dialect
        try order(&r, &o, shared)
        r.finish()
        o.unknownFields = unknown.byPath
        orders.append(o)
    }
    return orders
}

/// Reads a required external id, naming the field when it is missing.
func requireId(_ id: String?, field: String, path: String) throws(DocketError) -> String {
    guard let id, !id.isEmpty else {
        throw DocketError("this order has no \(field); Docket keys every order by it", jsonPath: path)
    }
    return id
}
