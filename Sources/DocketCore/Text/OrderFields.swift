/// An order as a flat list of canonical field paths and values
/// (`items[2].quantity` = `3`), the form in which `order show`, the console's
/// order screen and validation errors name fields.
public enum OrderFields {
    public struct Field: Sendable, Equatable {
        public var path: String
        public var value: String
    }

    public static func flatten(_ order: Order) -> [Field] {
        var out: [Field] = []
        walk(CanonicalCodec.encode(order), path: "", into: &out)
        return out
    }

    static func walk(_ v: JSONValue, path: String, into out: inout [Field]) {
        if let value = leaf(v) { out.append(Field(path: path, value: value)); return }
        forEachMember(v, path: path) { _, _, child, value in walk(value, path: child(), into: &out) }
    }

    /// Letters, digits and `_` only: written `a.b` rather than `a["b"]`.
    /// ASCII keys (nearly all) are read by their bytes: Unicode's letter
    /// table for every character was most of an import's diff of an order.
    static func isPlainKey(_ key: String) -> Bool {
        var ascii = true
        for b in key.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"): continue
            case 0x80...: ascii = false
            default: return false
            }
        }
        return ascii || key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }
}

extension OrderFields {
    /// A field that differs between two versions of an order: nil on the
    /// side where it is absent.
    public struct Difference: Sendable, Equatable {
        public var path: String
        public var old: String?
        public var new: String?

        public init(path: String, old: String?, new: String?) {
            self.path = path
            self.old = old
            self.new = new
        }
    }

    /// Every field that differs, in the newer version's order, then those
    /// only the older one has. The two orders are walked side by side and a
    /// field's path is written only when it differs: flattening both, every
    /// path of both built as text, was most of what an import that
    /// replaces orders spends recording their history.
    public static func diff(from old: Order, to new: Order) -> [Difference] {
        let before = CanonicalCodec.encode(old), after = CanonicalCodec.encode(new)
        var out: [Difference] = []
        changes(after, before, path: { "" }, into: &out)
        removals(before, after, path: { "" }, into: &out)
        return out
    }

    /// A value as `flatten` tells it when it has no fields inside (a scalar,
    /// `{}` or `[]`); nil for an object or list with fields inside.
    static func leaf(_ v: JSONValue) -> String? {
        switch v {
        case .object(let o): o.isEmpty ? "{}" : nil
        case .array(let a): a.isEmpty ? "[]" : nil
        case .string(let s): s
        case .number(let n): n
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        }
    }

    /// `old`'s member that stands where `new`'s does (same key, or same
    /// place in a list of the same kind).
    static func counterpart(in old: JSONValue?, key: String, index: Int) -> JSONValue? {
        switch old {
        case .object(let o): o[key]
        case .array(let a): index < a.count ? a[index] : nil
        default: nil
        }
    }

    static func memberPath(_ path: String, _ key: String) -> String {
        !key.isEmpty && isPlainKey(key) ? (path.isEmpty ? key : path + "." + key) : path + "[" + quoted(key) + "]"
    }

    /// Calls `body` for each member of an object or list with its key (or
    /// place) and its path, which is built only if asked for.
    static func forEachMember(_ v: JSONValue, path: String, _ body: (String, Int, () -> String, JSONValue) -> Void) {
        switch v {
        case .object(let o): for (i, m) in o.members.enumerated() { body(m.key, i, { memberPath(path, m.key) }, m.value) }
        case .array(let a): for (i, e) in a.enumerated() { body("", i, { "\(path)[\(i)]" }, e) }
        default: break
        }
    }

    static func sameKind(_ a: JSONValue?, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object?, .object), (.array?, .array): true
        default: false
        }
    }

    /// The fields of `new` that `old` does not have with the same value.
    static func changes(_ new: JSONValue, _ old: JSONValue?, path: () -> String, into out: inout [Difference]) {
        if let value = leaf(new) {
            let was = old.flatMap(leaf)
            if was != value { out.append(Difference(path: path(), old: was, new: value)) }
            return
        }
        let inside = sameKind(old, new) && old.flatMap(leaf) == nil ? old : nil
        forEachMember(new, path: path()) { key, index, child, value in
            changes(value, counterpart(in: inside, key: key, index: index), path: child, into: &out)
        }
    }

    /// The fields only `old` has.
    static func removals(_ old: JSONValue, _ new: JSONValue?, path: () -> String, into out: inout [Difference]) {
        if let value = leaf(old) {
            if new.flatMap(leaf) == nil { out.append(Difference(path: path(), old: value, new: nil)) }
            return
        }
        let inside = sameKind(new, old) && new.flatMap(leaf) == nil ? new : nil
        forEachMember(old, path: path()) { key, index, child, value in
            removals(value, counterpart(in: inside, key: key, index: index), path: child, into: &out)
        }
    }
}
