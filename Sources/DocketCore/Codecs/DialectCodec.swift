/// How faithfully to encode.
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
    /// Centra: the member that carries the shop's order number.
    public var centraOrderNumberField: String
    /// Mirakl: the origin for orders that bring none of their own.
    public var defaultOrigin: Origin?

    public init(mode: Mode = .faithful, centraOrderNumberField: String = "orderId", defaultOrigin: Origin? = nil) {
        self.mode = mode
        self.centraOrderNumberField = centraOrderNumberField
        self.defaultOrigin = defaultOrigin
    }
}

/// Encodes and decodes one dialect's request body.
public protocol DialectCodec: Sendable {
    var dialect: Dialect { get }
    /// The orders in a request body, as `import --format <dialect>` reads it.
    func decodeRequest(_ body: JSONValue) throws(DocketError) -> [Order]
    /// One request body holding `orders`.
    func encodeRequest(_ orders: [Order], options: EncodeOptions) throws(DocketError) -> JSONValue
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

/// One order being encoded: whether its unknown fields belong here, and
/// whether to fill fields from their equivalents.
struct EncodingOrder {
    let order: Order
    let keepUnknown: Bool
    let fill: Bool

    init(_ order: Order, dialect: Dialect, options: EncodeOptions) {
        self.order = order
        keepUnknown = order.importedFrom == dialect
        fill = options.mode == .complete || order.importedFrom != dialect
    }

    func unknown(_ rel: String) -> JSONObject? {
        keepUnknown ? order.unknownFields[rel] : nil
    }

    /// The item lines; an order with none writes no list when faithful (a
    /// body that had none goes back without one).
    func lines(_ body: (Int, OrderItem) -> FieldWriter) -> [FieldWriter]? {
        if order.items.isEmpty && !fill { return nil }
        return order.items.enumerated().map { body($0.offset, $0.element) }
    }

    /// `value` itself, or when filling, the first equivalent that is there.
    func pick<T>(_ value: T?, _ fallbacks: @autoclosure () -> [T?]) -> T? {
        if let value { return value }
        guard fill else { return nil }
        for f in fallbacks() { if let f { return f } }
        return nil
    }
}

/// Request-level members beside the order list are kept on every order
/// under this key, and written back from the first.
let requestUnknownKey = "$request"

/// Reads the list member of a request body, e.g. Cropster's `data`.
func requestList(_ body: JSONValue, key: String, dialect: Dialect) throws(DocketError) -> (FieldReader, [JSONValue]) {
    guard case .object = body else {
        throw DocketError("a \(dialect.displayName) request body is an object with \"\(key)\": [...], but this file holds \(body.kindName)", jsonPath: "$")
    }
    var reader = try FieldReader(body, path: "$", relPath: requestUnknownKey, unknown: UnknownFields())
    guard let list = try reader.rawArray(key) else {
        throw DocketError("a \(dialect.displayName) request body needs \"\(key)\": [...], the list of orders", jsonPath: "$")
    }
    return (reader, list)
}

/// Reads a required external id, naming the field when it is missing.
func requireId(_ id: String?, field: String, path: String) throws(DocketError) -> String {
    guard let id, !id.isEmpty else {
        throw DocketError("this order has no \(field); Docket keys every order by it", jsonPath: path)
    }
    return id
}
