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
        switch v {
        case .object(let o):
            if o.isEmpty { out.append(Field(path: path, value: "{}")); return }
            for m in o {
                let isPlain = m.key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && !m.key.isEmpty
                let child = isPlain ? (path.isEmpty ? m.key : path + "." + m.key) : path + "[" + quoted(m.key) + "]"
                walk(m.value, path: child, into: &out)
            }
        case .array(let a):
            if a.isEmpty { out.append(Field(path: path, value: "[]")); return }
            for (i, e) in a.enumerated() { walk(e, path: "\(path)[\(i)]", into: &out) }
        case .string(let s): out.append(Field(path: path, value: s))
        case .number(let n): out.append(Field(path: path, value: n))
        case .bool(let b): out.append(Field(path: path, value: b ? "true" : "false"))
        case .null: out.append(Field(path: path, value: "null"))
        }
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
    /// only the older one has.
    public static func diff(from old: Order, to new: Order) -> [Difference] {
        let before = flatten(old), after = flatten(new)
        let oldValues = Dictionary(before.map { ($0.path, $0.value) }, uniquingKeysWith: { a, _ in a })
        let newPaths = Set(after.map(\.path))
        var out: [Difference] = []
        for f in after where oldValues[f.path] != f.value {
            out.append(Difference(path: f.path, old: oldValues[f.path], new: f.value))
        }
        for f in before where !newPaths.contains(f.path) {
            out.append(Difference(path: f.path, old: f.value, new: nil))
        }
        return out
    }
}
