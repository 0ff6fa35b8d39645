/// A support person's changes to one order, as typed, by canonical field
/// path (`items[0].quantity` → `"2"`).
///
/// Changes stay text until they are applied, so that nothing typed is lost
/// when it does not fit (a quantity of "two"), when the save is refused, or
/// when someone else saved the order meanwhile: the same changes can be
/// applied again on top of their version.
public struct OrderEdit: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        public var path: String
        public var text: String
        public init(path: String, text: String) {
            self.path = path
            self.text = text
        }
    }

    /// In the order they were first made; one per path.
    public private(set) var changes: [Change] = []

    public init(changes: [Change] = []) {
        for c in changes { set(c.path, to: c.text) }
    }

    public var isEmpty: Bool { changes.isEmpty }

    public func text(for path: String) -> String? { changes.first { $0.path == path }?.text }

    public mutating func set(_ path: String, to text: String) {
        if let i = changes.firstIndex(where: { $0.path == path }) { changes[i].text = text } else { changes.append(Change(path: path, text: text)) }
    }

    public mutating func revert(_ path: String) { changes.removeAll { $0.path == path } }

    /// Fields support staff may not change here: the external id is the
    /// order's key, and the status is the local lifecycle Docket keeps.
    public static func isEditable(_ path: String) -> Bool { path != "externalId" && path != "status" && path != "importedFrom" }

    /// The order with these changes, or the first change that does not fit,
    /// naming its field.
    public func apply(to order: Order) -> Result<Order, DocketError> {
        var json = CanonicalCodec.encode(order)
        for change in changes {
            guard Self.isEditable(change.path) else {
                return .failure(DocketError("\(change.path) cannot be changed in the editor", order: order.externalId, field: change.path))
            }
            do throws(DocketError) {
                let path = try FieldPath(change.path)
                var lastError: DocketError?
                var applied = false
                for candidate in Self.candidates(change.text, current: path.value(in: json)) {
                    var attempt = json
                    try path.set(candidate, in: &attempt)
                    do {
                        _ = try CanonicalCodec.decode(attempt)
                        json = attempt
                        applied = true
                        break
                    } catch {
                        lastError = lastError ?? error
                    }
                }
                if !applied, let lastError {
                    return .failure(DocketError(Self.explain(lastError, text: change.text), order: order.externalId, field: change.path))
                }
            } catch {
                return .failure(DocketError(error.message, order: order.externalId, field: change.path))
            }
        }
        do {
            return .success(try CanonicalCodec.decode(json))
        } catch {
            return .failure(error)
        }
    }

    /// The JSON values typed text may stand for, most likely first: a field
    /// that held a number takes a number, one that held text takes text;
    /// a new field takes whichever the order model accepts.
    static func candidates(_ text: String, current: JSONValue?) -> [JSONValue] {
        let number = Self.number(text)
        let bool: JSONValue? = text == "true" ? .bool(true) : text == "false" ? .bool(false) : nil
        switch current {
        case .number?: return [number ?? .string(text)]
        case .bool?: return [bool ?? .string(text)]
        case .string?: return [.string(text)]
        default: return [.string(text)] + [number, bool].compactMap { $0 }
        }
    }

    /// `text` as a JSON number exactly as typed, if it is one.
    static func number(_ text: String) -> JSONValue? {
        guard !text.isEmpty, case .number(let n)? = try? JSONParser.parse(text) else { return nil }
        return .number(n)
    }

    static func explain(_ error: DocketError, text: String) -> String {
        if error.message.hasPrefix("expected a number") { return "\"\(text)\" is not a number (write it like 12 or 14.95)" }
        if error.message.hasPrefix("expected true/false") { return "\"\(text)\" must be true or false" }
        return error.message
    }
}

/// A canonical field path (`items[0].sku`, `extra["a key"]`) as steps.
public struct FieldPath: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    public var steps: [Step]

    public init(_ text: String) throws(DocketError) {
        var steps: [Step] = []
        let chars = Array(text)
        var i = 0
        func fail(_ why: String) -> DocketError { DocketError("the field path \"\(text)\" \(why)", field: text) }
        while i < chars.count {
            if chars[i] == "[" {
                i += 1
                if i < chars.count, chars[i] == "\"" {
                    i += 1
                    var key = ""
                    while i < chars.count, chars[i] != "\"" {
                        if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                        key.append(chars[i])
                        i += 1
                    }
                    guard i + 1 < chars.count, chars[i + 1] == "]" else { throw fail("has an unclosed [\"…\"]") }
                    steps.append(.key(key))
                    i += 2
                } else {
                    var digits = ""
                    while i < chars.count, chars[i].isNumber { digits.append(chars[i]); i += 1 }
                    guard i < chars.count, chars[i] == "]", let n = Int(digits) else { throw fail("has a bad [index]") }
                    steps.append(.index(n))
                    i += 1
                }
            } else if chars[i] == "." {
                i += 1
            } else {
                var key = ""
                while i < chars.count, chars[i] != ".", chars[i] != "[" { key.append(chars[i]); i += 1 }
                steps.append(.key(key))
            }
        }
        guard !steps.isEmpty else { throw fail("is empty") }
        self.steps = steps
    }

    public func value(in json: JSONValue) -> JSONValue? {
        var v: JSONValue? = json
        for step in steps {
            switch (step, v) {
            case (.key(let k), .object(let o)?): v = o[k]
            case (.index(let i), .array(let a)?): v = a.indices.contains(i) ? a[i] : nil
            default: return nil
            }
        }
        return v
    }

    /// Sets the value, making the objects on the way that are missing (a
    /// customer's email on an order that had no customer).
    public func set(_ value: JSONValue, in json: inout JSONValue) throws(DocketError) {
        json = try Self.set(value, steps[...], in: json, path: self)
    }

    static func set(_ value: JSONValue, _ steps: ArraySlice<Step>, in json: JSONValue?, path: FieldPath) throws(DocketError) -> JSONValue {
        guard let step = steps.first else { return value }
        switch step {
        case .key(let k):
            var o: JSONObject
            switch json {
            case .object(let existing)?: o = existing
            case nil, .null?: o = JSONObject()
            default: throw DocketError("this field is inside a value that is not an object")
            }
            o[k] = try set(value, steps.dropFirst(), in: o[k], path: path)
            return .object(o)
        case .index(let i):
            guard case .array(var a)? = json, a.indices.contains(i) else {
                throw DocketError("there is no entry [\(i)] here; only existing lines can be changed")
            }
            a[i] = try set(value, steps.dropFirst(), in: a[i], path: path)
            return .array(a)
        }
    }
}
