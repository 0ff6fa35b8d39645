/// One fix for many orders: `set` a field to a value, or `replace` one
/// exact value by another. `items[*].productId` means that field on every
/// item line (for `replace`: on the lines that hold the old value).
public enum BulkFix: Sendable, Equatable {
    case set(field: String, value: String)
    case replace(field: String, old: String, new: String)

    public var field: String {
        switch self {
        case .set(let f, _), .replace(let f, _, _): f
        }
    }

    /// In words, for the preview's title and the command line's report.
    public var description: String {
        switch self {
        case .set(let f, let v): "set \(f) to \"\(v)\""
        case .replace(let f, let old, let new): "replace \"\(old)\" by \"\(new)\" in \(f)"
        }
    }

    /// Refuses a field the editor could not change either, before any
    /// order is read.
    public func check() throws(DocketError) {
        let plain = field.replacingWildcard(with: 0)
        _ = try FieldPath(plain)
        guard OrderEdit.isEditable(field) else {
            throw DocketError("\(field) cannot be changed: it is the order's key or its local status", field: field)
        }
        guard field.components(separatedByWildcard: ()).count <= 2 else {
            throw DocketError("\(field) has more than one [*]; fix one list at a time", field: field)
        }
    }

    /// The changes this fix makes to one order, as the editor would type
    /// them; empty when the order has nothing to change.
    public func edit(for order: Order) -> OrderEdit {
        let fields = OrderFields.flatten(order)
        var edit = OrderEdit()
        let paths: [String]
        if field.contains("[*]") {
            let parts = field.components(separatedByWildcard: ())
            let lines = Set(fields.compactMap { f -> Int? in
                guard f.path.hasPrefix(parts[0] + "["), let close = f.path.dropFirst(parts[0].count + 1).firstIndex(of: "]") else { return nil }
                return Int(f.path[f.path.index(f.path.startIndex, offsetBy: parts[0].count + 1)..<close])
            })
            paths = lines.sorted().map { field.replacingWildcard(with: $0) }
        } else {
            paths = [field]
        }
        for path in paths {
            let current = fields.first { $0.path == path }?.value
            switch self {
            case .set(_, let value):
                if current != value { edit.set(path, to: value) }
            case .replace(_, let old, let new):
                if current == old, old != new { edit.set(path, to: new) }
            }
        }
        return edit
    }
}

/// What a bulk fix would do to each order, checked before anything is
/// saved.
public struct FixPreview: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        public var externalId: String
        /// The version the change was worked out on: the save is refused if
        /// the order moved on since.
        public var version: Int
        public var fields: [(path: String, old: String?, new: String)]
        /// The order as it would be saved, or why the change does not fit.
        public var result: Result<Order, DocketError>
        /// The target whose rules it was checked against, and what they say.
        public var target: String?
        public var issues: [OrderIssue]

        public static func == (a: Change, b: Change) -> Bool {
            a.externalId == b.externalId && a.version == b.version && a.target == b.target && a.issues == b.issues
                && a.fields.map(\.path) == b.fields.map(\.path) && a.fields.map(\.new) == b.fields.map(\.new)
        }

        public var order: Order? { try? result.get() }

        public init(externalId: String, version: Int, fields: [(path: String, old: String?, new: String)],
                    result: Result<Order, DocketError>, target: String?, issues: [OrderIssue]) {
            self.externalId = externalId
            self.version = version
            self.fields = fields
            self.result = result
            self.target = target
            self.issues = issues
        }
    }

    public var fix: BulkFix
    public var changes: [Change]
    /// Orders looked at that this fix leaves as they are.
    public var unchanged: [String]
    /// Orders that are not OPEN, so cannot be edited.
    public var readOnly: [String]

    public init(fix: BulkFix, changes: [Change], unchanged: [String], readOnly: [String]) {
        self.fix = fix
        self.changes = changes
        self.unchanged = unchanged
        self.readOnly = readOnly
    }

    /// Changes that can be saved: they fit, and pass the target's rules or
    /// were never checked against one.
    public var saveable: [Change] { changes.filter { $0.order != nil } }

    /// Works the fix out on each order; `rules(order)` gives the target to
    /// check against (the one that refused it) and its validator.
    public static func make(_ fix: BulkFix, orders: [StoredOrder], rules: (StoredOrder) -> (String, OrderValidator)?) -> FixPreview {
        var preview = FixPreview(fix: fix, changes: [], unchanged: [], readOnly: [])
        for stored in orders {
            let edit = fix.edit(for: stored.order)
            guard !edit.isEmpty else { preview.unchanged.append(stored.order.externalId); continue }
            guard stored.order.status.isEditable else { preview.readOnly.append(stored.order.externalId); continue }
            let before = OrderFields.flatten(stored.order)
            let fields = edit.changes.map { c in (path: c.path, old: before.first { $0.path == c.path }?.value, new: c.text) }
            let result = edit.apply(to: stored.order)
            var target: String?
            var issues: [OrderIssue] = []
            if case .success(let order) = result, let (name, validator) = rules(stored) {
                target = name
                issues = validator.validate(order)
            }
            preview.changes.append(Change(externalId: stored.order.externalId, version: stored.version, fields: fields,
                                          result: result, target: target, issues: issues))
        }
        return preview
    }
}

/// What saving a preview did: saved orders, and those someone else changed
/// meanwhile (listed, never overwritten).
public struct FixResult: Sendable, Equatable {
    public var saved: [String] = []
    public var conflicts: [(externalId: String, why: String)] = []

    public init() {}

    public static func == (a: FixResult, b: FixResult) -> Bool {
        a.saved == b.saved && a.conflicts.map(\.externalId) == b.conflicts.map(\.externalId)
    }

    /// Saves each change at the version it was worked out on.
    public static func save(_ preview: FixPreview, to store: any OrderStoring) -> FixResult {
        var result = FixResult()
        for change in preview.saveable {
            guard let order = change.order else { continue }
            do {
                _ = try store.save(order, expectedVersion: change.version, source: "fix")
                result.saved.append(change.externalId)
            } catch {
                result.conflicts.append((change.externalId, (error as? DocketError)?.message ?? "\(error)"))
            }
        }
        return result
    }

    public var summary: String {
        var text = "Saved \(Plural.orders(saved.count))."
        if !conflicts.isEmpty {
            text += " \(Plural.orders(conflicts.count)) not saved because someone changed them meanwhile: "
                + conflicts.prefix(5).map(\.externalId).joined(separator: ", ") + (conflicts.count > 5 ? ", …" : "") + "."
        }
        return text
    }
}

extension String {
    /// The parts around `[*]`.
    func components(separatedByWildcard _: ()) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let r = rest.firstRange(of: "[*]") {
            parts.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }

    func replacingWildcard(with line: Int) -> String {
        components(separatedByWildcard: ()).joined(separator: "[\(line)]")
    }
}

extension FixPreview {
    public enum LineKind: Sendable, Equatable { case summary, note, passes, fails, unchecked, field, readOnly }

    /// The preview in words, a line each: what the console shows and
    /// `docket fix` prints.
    public var report: [(text: String, kind: LineKind)] {
        var out: [(text: String, kind: LineKind)] = []
        let failing = changes.filter { $0.order == nil || !$0.issues.isEmpty }.count
        out.append(("\(Plural.orders(changes.count)) would change"
                    + (unchanged.isEmpty ? "" : "; \(Plural.orders(unchanged.count)) already fit and stay as they are")
                    + (readOnly.isEmpty ? "" : "; \(Plural.orders(readOnly.count)) are not OPEN and cannot be changed")
                    + (failing == 0 ? "." : "; \(failing) would still fail their target's checks (marked ✗)."), .summary))
        out.append(("Each order is saved at the version shown; one someone changed meanwhile is listed, not overwritten.", .note))
        for c in changes {
            let verdict: (String, LineKind) = switch c.result {
            case .failure(let e): ("✗ does not fit: \(e.message) (not saved)", .fails)
            case .success where c.target == nil: ("not checked: never sent", .unchecked)
            case .success where c.issues.isEmpty: ("✓ passes \(c.target ?? "")", .passes)
            case .success: ("✗ \(c.target ?? ""): " + c.issues.map { ($0.field.map { "\($0): " } ?? "") + $0.message }.joined(separator: "; "), .fails)
            }
            out.append(("\(c.externalId)  version \(c.version)  " + verdict.0, verdict.1))
            for f in c.fields {
                out.append(("    \(f.path): \(f.old.map { "\"\($0)\"" } ?? "(missing)") → \"\(f.new)\"", .field))
            }
        }
        for id in readOnly { out.append(("\(id)  not OPEN: left as it is", .readOnly)) }
        return out
    }
}
