import Foundation

/// Builds one JSON object from model fields, leaving out what is absent, and
/// adds back the unknown members the order brought from its source dialect.
struct FieldWriter {
    private(set) var members: [JSONObject.Member] = []

    init() { members.reserveCapacity(12) }

    mutating func set(_ key: String, _ v: String?) { if let v { members.append(.init(key, .string(v))) } }
    mutating func set(_ key: String, _ v: Decimal?) { if let v { members.append(.init(key, .number(DecimalText.format(v)))) } }
    mutating func set(_ key: String, _ v: Bool?) { if let v { members.append(.init(key, .bool(v))) } }
    mutating func set(_ key: String, _ v: JSONValue?) { if let v { members.append(.init(key, v)) } }
    mutating func set(_ key: String, _ v: JSONObject?) { if let v { members.append(.init(key, .object(v))) } }
    mutating func set(_ key: String, _ v: FlexText?) {
        switch v {
        case .text(let s): members.append(.init(key, .string(s)))
        case .number(let n): members.append(.init(key, .number(n)))
        case nil: break
        }
    }
    mutating func set(_ key: String, _ v: FieldWriter?) { if let v { members.append(.init(key, v.value)) } }
    mutating func set(_ key: String, _ v: [JSONValue]?) { if let v { members.append(.init(key, .array(v))) } }
    mutating func set(_ key: String, _ v: [FieldWriter]?) { if let v { members.append(.init(key, .array(v.map(\.value)))) } }

    /// Adds members not already written (unknown fields never override known ones).
    mutating func merge(_ extra: JSONObject?) {
        guard let extra else { return }
        for m in extra where !members.contains(where: { $0.key == m.key }) { members.append(m) }
    }

    var value: JSONValue { .object(JSONObject(members)) }
    var isEmpty: Bool { members.isEmpty }
}
