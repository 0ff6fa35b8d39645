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

    /// One step of an edit, applied in order: item lines added or removed
    /// renumber the lines after them for the steps that follow.
    public enum Step: Sendable, Equatable {
        case set(path: String, text: String)
        /// Back to absent: the field is left out of the order, not `""`.
        case clear(path: String)
        /// A new, empty item line at this index.
        case insertItem(at: Int)
        case deleteItem(at: Int)

        var path: String? {
            switch self {
            case .set(let p, _), .clear(let p): p
            default: nil
            }
        }
        var structural: Bool { path == nil }
    }

    public private(set) var steps: [Step] = []

    public init(changes: [Change] = []) {
        for c in changes { set(c.path, to: c.text) }
    }

    public var isEmpty: Bool { steps.isEmpty }

    /// The typed values, one per path (the last).
    public var changes: [Change] {
        var out: [Change] = []
        for case .set(let path, let text) in steps {
            if let i = out.firstIndex(where: { $0.path == path }) { out[i].text = text } else { out.append(Change(path: path, text: text)) }
        }
        return out
    }

    /// Whether lines were added or removed, or fields cleared: the order's
    /// shape changed, not only its values.
    public var reshapes: Bool { steps.contains { if case .set = $0 { false } else { true } } }

    public func text(for path: String) -> String? { changes.first { $0.path == path }?.text }

    /// Since the last line added or removed, the steps on this path.
    func lastIndex(of path: String) -> Int? {
        let boundary = steps.lastIndex { $0.structural } ?? -1
        return steps.indices.last { $0 > boundary && steps[$0].path == path }
    }

    public mutating func set(_ path: String, to text: String) {
        if let i = lastIndex(of: path) { steps[i] = .set(path: path, text: text) } else { steps.append(.set(path: path, text: text)) }
    }

    public mutating func clear(_ path: String) {
        if let i = lastIndex(of: path) { steps[i] = .clear(path: path) } else { steps.append(.clear(path: path)) }
    }

    public mutating func insertItem(at index: Int) { steps.append(.insertItem(at: index)) }
    public mutating func deleteItem(at index: Int) { steps.append(.deleteItem(at: index)) }

    /// Undoes what was done to this field since lines last moved.
    public mutating func revert(_ path: String) {
        if let i = lastIndex(of: path) { steps.remove(at: i) } else { steps.removeAll { $0.path == path } }
    }

    /// Undoes the last step, whatever it was.
    @discardableResult
    public mutating func undo() -> Step? { steps.popLast() }

    /// Fields support staff may not change here: the external id is the
    /// order's key, and the status is the local lifecycle Docket keeps.
    public static func isEditable(_ path: String) -> Bool { path != "externalId" && path != "status" && path != "importedFrom" }

    /// The order with these changes, or the first change that does not fit,
    /// naming its field.
    public func apply(to order: Order) -> Result<Order, DocketError> {
        var json = CanonicalCodec.encode(order)
        for step in steps {
            if let path = step.path, !Self.isEditable(path) {
                return .failure(DocketError("\(path) cannot be changed in the editor", order: order.externalId, field: path))
            }
            do throws(DocketError) {
                switch step {
                case .set(let p, let text):
                    let path = try FieldPath(p)
                    var lastError: DocketError?
                    var applied = false
                    for candidate in Self.candidates(text, current: path.value(in: json)) {
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
                        return .failure(DocketError(Self.explain(lastError, text: text), order: order.externalId, field: p))
                    }
                case .clear(let p):
                    try FieldPath(p).remove(from: &json)
                case .insertItem(let at):
                    try Self.items(&json) { (items: inout [JSONValue]) throws(DocketError) in items.insert(.object(JSONObject()), at: min(max(0, at), items.count)) }
                case .deleteItem(let at):
                    try Self.items(&json) { (items: inout [JSONValue]) throws(DocketError) in
                        guard items.indices.contains(at) else { throw DocketError("there is no item line \(at + 1)", field: "items[\(at)]") }
                        items.remove(at: at)
                    }
                }
            } catch {
                return .failure(DocketError(error.message, order: order.externalId, field: error.field ?? step.path))
            }
        }
        do {
            return .success(try CanonicalCodec.decode(json))
        } catch {
            return .failure(error)
        }
    }

    static func items(_ json: inout JSONValue, _ change: (inout [JSONValue]) throws(DocketError) -> Void) throws(DocketError) {
        guard case .object(var o) = json else { throw DocketError("the order is not an object") }
        var items = o["items"]?.arrayValue ?? []
        try change(&items)
        o["items"] = .array(items)
        json = .object(o)
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

    /// Leaves the field out (a field that is not there stays so).
    public func remove(from json: inout JSONValue) throws(DocketError) {
        json = try Self.remove(steps[...], in: json)
    }

    static func remove(_ steps: ArraySlice<Step>, in json: JSONValue) throws(DocketError) -> JSONValue {
        guard let step = steps.first else { return json }
        let last = steps.count == 1
        switch (step, json) {
        case (.key(let k), .object(var o)):
            if last { o[k] = nil } else if let inner = o[k] { o[k] = try remove(steps.dropFirst(), in: inner) }
            return .object(o)
        case (.index(let i), .array(var a)):
            guard a.indices.contains(i) else { return json }
            if last { a.remove(at: i) } else { a[i] = try remove(steps.dropFirst(), in: a[i]) }
            return .array(a)
        default:
            return json
        }
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
