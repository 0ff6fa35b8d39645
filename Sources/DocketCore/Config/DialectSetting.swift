/// A per-target setting that belongs to some dialects: its key, what it
/// holds and what it does. The config loader checks settings against this
/// list, `targets init` prints from it, and the README's table follows it.
public struct DialectSetting: Sendable {
    public enum Kind: Sendable, Equatable {
        case text
        case bool
        case choice([String])
    }

    public let key: String
    /// The dialects it applies to; empty means every dialect.
    public let dialects: [Dialect]
    public let kind: Kind
    public let help: String

    public static let all: [DialectSetting] = [
        DialectSetting(key: "contract_id", dialects: [.omnia], kind: .text, help: "the Omnia contract the orders belong to"),
        DialectSetting(key: "products_file", dialects: [.omnia], kind: .text,
                       help: "the contract's customerProductIds, one per line, to check item ids before sending"),
        DialectSetting(key: "channel_id", dialects: [.mirakl], kind: .text, help: "origin.channel_id for orders that carry none"),
        DialectSetting(key: "channel_store_id", dialects: [.mirakl], kind: .text, help: "origin.channel_store_id, likewise"),
        DialectSetting(key: "scope", dialects: [.cropster, .mirakl], kind: .text,
                       help: "OAuth2 scopes to ask the token endpoint for (Cropster service accounts)"),
        DialectSetting(key: "order_number", dialects: [.centra], kind: .choice(CentraOrderNumber.allCases.map(\.rawValue)),
                       help: "auto: an imported orderNumber, else an all-digits external id; external_id; none"),
        DialectSetting(key: "pricelist", dialects: [.centra], kind: .text, help: "for orders that name none"),
        DialectSetting(key: "market", dialects: [.centra], kind: .text, help: "for orders that name none"),
        DialectSetting(key: "shipping_list", dialects: [.centra], kind: .text, help: "Centra shippingList, for orders that name none"),
        DialectSetting(key: "send_email", dialects: [.centra], kind: .bool, help: "Centra sends its order confirmation"),
        DialectSetting(key: "adjust_stock", dialects: [.centra], kind: .bool, help: "Centra takes the items out of stock"),
        DialectSetting(key: "create_only", dialects: [.centra], kind: .bool, help: "Centra answers with one order number (createOnly)"),
        DialectSetting(key: "test", dialects: [.dropday], kind: .bool, help: "true sends every order as a Dropday test order"),
        DialectSetting(key: "allow_insecure_http", dialects: [], kind: .bool,
                       help: "send credentials over plain http:// to another host (warned on every run)"),
    ]

    public static func named(_ key: String) -> DialectSetting? { all.first { $0.key == key } }

    public func applies(to dialect: Dialect) -> Bool { dialects.isEmpty || dialects.contains(dialect) }
}
