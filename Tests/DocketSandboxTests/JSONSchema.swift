import DocketCore
import Foundation

/// The part of JSON Schema the vendor schemas under Tests/Fixtures/schemas
/// use: type, required, properties, additionalProperties, items, min/max
/// items and properties, enum, pattern, minLength, minimum, multipleOf,
/// format date-time, allOf, anyOf and local `$ref`s. Each problem is
/// named by its JSON path.
struct JSONSchema {
    let root: JSONValue

    init(file: String) throws {
        root = try JSONParser.parse(try Data(contentsOf: URL(fileURLWithPath: file)))
    }

    func problems(_ value: JSONValue) -> [String] {
        var out: [String] = []
        check(value, root, "$", &out)
        return out
    }

    func resolve(_ schema: JSONValue) -> JSONValue {
        guard let ref = schema.objectValue?["$ref"]?.stringValue, ref.hasPrefix("#/") else { return schema }
        var node = root
        for part in ref.dropFirst(2).split(separator: "/") { node = node.objectValue?[String(part)] ?? .null }
        return resolve(node)
    }

    func check(_ v: JSONValue, _ s: JSONValue, _ path: String, _ out: inout [String]) {
        guard let schema = resolve(s).objectValue else { return }
        if let types = schema["type"] {
            let allowed = types.arrayValue?.compactMap(\.stringValue) ?? [types.stringValue ?? ""]
            if !allowed.contains(where: { Self.isType(v, $0) }) { out.append("\(path): is \(v.kindName), not \(allowed.joined(separator: "|"))"); return }
        }
        if let list = schema["enum"]?.arrayValue, !list.contains(v) { out.append("\(path): \(JSONWriter.string(v)) is not in the enum") }
        for sub in schema["allOf"]?.arrayValue ?? [] { check(v, sub, path, &out) }
        if let any = schema["anyOf"]?.arrayValue {
            let fits = any.contains { sub in var o: [String] = []; check(v, sub, path, &o); return o.isEmpty }
            if !fits { out.append("\(path): fits none of anyOf") }
        }
        switch v {
        case .string(let text):
            if let min = schema["minLength"].flatMap(Self.number), Decimal(text.count) < min { out.append("\(path): shorter than \(min)") }
            if let pattern = schema["pattern"]?.stringValue, text.range(of: pattern, options: .regularExpression) == nil {
                out.append("\(path): \"\(text)\" does not match \(pattern)")
            }
            if schema["format"]?.stringValue == "date-time",
               text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#, options: .regularExpression) == nil {
                out.append("\(path): \"\(text)\" is not a date-time")
            }
        case .number:
            let d = Self.number(v)!
            if let min = schema["minimum"].flatMap(Self.number), d < min { out.append("\(path): below \(min)") }
            if let step = schema["multipleOf"].flatMap(Self.number), !RuleCheckerTestHelper.isWhole(d / step) {
                out.append("\(path): not a multiple of \(step)")
            }
        case .array(let list):
            if let min = schema["minItems"].flatMap(Self.number), Decimal(list.count) < min { out.append("\(path): fewer than \(min) items") }
            if let max = schema["maxItems"].flatMap(Self.number), Decimal(list.count) > max { out.append("\(path): more than \(max) items") }
            if let items = schema["items"] { for (i, e) in list.enumerated() { check(e, items, "\(path)[\(i)]", &out) } }
        case .object(let o):
            if let min = schema["minProperties"].flatMap(Self.number), Decimal(o.count) < min { out.append("\(path): fewer than \(min) members") }
            for key in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where o[key] == nil {
                out.append("\(path).\(key): is required")
            }
            let properties = schema["properties"]?.objectValue ?? JSONObject()
            for m in o {
                if let p = properties[m.key] {
                    check(m.value, p, "\(path).\(m.key)", &out)
                } else if let extra = schema["additionalProperties"] {
                    if extra == .bool(false) { out.append("\(path).\(m.key): is not allowed") } else { check(m.value, extra, "\(path)[\"\(m.key)\"]", &out) }
                }
            }
        default: break
        }
    }

    static func number(_ v: JSONValue) -> Decimal? {
        if case .number(let n) = v { return Decimal(string: n, locale: Locale(identifier: "en_US_POSIX")) }
        return nil
    }

    static func isType(_ v: JSONValue, _ type: String) -> Bool {
        switch (type, v) {
        case ("string", .string), ("boolean", .bool), ("object", .object), ("array", .array), ("number", .number), ("null", .null): true
        case ("integer", .number): RuleCheckerTestHelper.isWhole(number(v)!)
        default: false
        }
    }
}

enum RuleCheckerTestHelper {
    static func isWhole(_ d: Decimal) -> Bool {
        var value = d, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        return rounded == d
    }
}
