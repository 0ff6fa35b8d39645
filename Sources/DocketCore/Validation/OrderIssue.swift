/// Something wrong with one order: found by local validation, or said by a
/// target when it refused the order. `field` is the canonical path
/// (`items[2].quantity`) when the issue names one.
public struct OrderIssue: Sendable, Equatable, Hashable {
    public var code: String
    public var message: String
    public var field: String?

    public init(code: String, message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var json: JSONValue {
        .object(JSONObject([.init("code", .string(code)), .init("message", .string(message)),
                            .init("field", field.map { .string($0) } ?? .null)]))
    }
}
