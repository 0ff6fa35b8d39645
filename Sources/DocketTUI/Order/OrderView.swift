import DocketCore

/// One order on screen, and the edit in progress on it.
///
/// The edit is kept as typed text beside the stored order, never merged
/// into it until the store accepts the save: a refused save (someone else
/// saved first, the order left OPEN) loses nothing.
public struct OrderView: Sendable {
    public var stored: StoredOrder {
        didSet { fields = OrderRow.fields(of: stored.order) }
    }
    /// The stored order's fields in screen order: flattened once per
    /// version, not at every key (the edit and the issues lie over them).
    public private(set) var fields: [OrderFields.Field]
    /// What the latest batch this order went in said about it.
    public var latest: LatestOutcome?
    public var edit = OrderEdit()
    /// The field being typed into and its text so far.
    public var input: String?
    public var list = ListState<Int>()
    /// Whose rules the draft is checked against: an index into the
    /// console's check targets.
    public var checkTarget = 0
    /// What the chosen target's rules say about the draft.
    public var issues: [OrderIssue] = []
    /// What goes out changed for that target (a date moved to UTC).
    public var conversions: [OrderIssue] = []
    /// A change that does not fit its field (a quantity of "two").
    public var draftError: DocketError?
    /// The stored order moved on while this edit was open: their version,
    /// onto which `u` puts these changes.
    public var theirs: StoredOrder?
    /// Esc was pressed with unsaved changes; a second Esc leaves.
    public var confirmLeave = false
    /// `s` shows what would be saved, field by field, before `y` saves it.
    public var reviewing = false

    public init(stored: StoredOrder, latest: LatestOutcome? = nil) {
        self.stored = stored
        self.latest = latest
        fields = OrderRow.fields(of: stored.order)
    }

    public var editable: Bool { stored.order.status.isEditable }

    /// The order as it would be saved, with what is being typed, or the
    /// change that does not fit.
    public func draft() -> Result<Order, DocketError> {
        var edit = self.edit
        if let text = input, let row = selectedRow { edit.set(row.path, to: text) }
        return edit.apply(to: stored.order)
    }

    /// Rejection errors are shown only while the order still has them: an
    /// accepted order's last word has none.
    public var rejection: [OrderIssue] { latest?.outcome.errors ?? [] }

    public var rows: [OrderRow] { OrderRow.rows(for: self) }

    /// The item line a row belongs to (`items[2].sku` → 2).
    public static func itemLine(_ path: String) -> Int? {
        guard path.hasPrefix("items["), let close = path.firstIndex(of: "]") else { return nil }
        return Int(path[path.index(path.startIndex, offsetBy: 6)..<close])
    }
    public var selectedRow: OrderRow? {
        let rows = self.rows
        return rows.indices.contains(list.cursor) ? rows[list.cursor] : nil
    }
}

/// A line of the order screen: one field, what it holds (or what was typed
/// into it), and what the target's rules or its last rejection say of it.
public struct OrderRow: Sendable, Equatable {
    public var path: String
    public var value: String
    /// The stored value, when the edit changed it.
    public var original: String?
    /// Not in the order: a field the rules or a rejection ask for.
    public var missing = false
    /// The field holds a list or an object (`[]`, `{}`), not a value.
    public var container = false
    /// The edit leaves this field out (cleared, or its line removed).
    public var removed = false
    public var issues: [OrderIssue] = []
    public var rejected: [OrderIssue] = []
    public var converted: [OrderIssue] = []

    public var changed: Bool { original != nil }

    /// The order's own fields, then its items, then addresses and the rest:
    /// what support staff look at first comes first.
    static func fields(of order: Order) -> [OrderFields.Field] {
        let all = OrderFields.flatten(order).filter { !["externalId", "status"].contains($0.path) }
        let plain = all.filter { !$0.path.contains(".") && !$0.path.contains("[") }
        let items = all.filter { $0.path.hasPrefix("items[") }
        let rest = all.filter { ($0.path.contains(".") || $0.path.contains("[")) && !$0.path.hasPrefix("items[") }
        return plain + items + rest
    }

    static func rows(for view: OrderView) -> [OrderRow] {
        var rows: [OrderRow]
        if view.edit.reshapes, case .success(let draft) = view.edit.apply(to: view.stored.order) {
            // Lines added or removed, fields cleared: the rows are the
            // draft's, each marked with what it was before.
            let stored = Dictionary(view.fields.map { ($0.path, $0.value) }, uniquingKeysWith: { a, _ in a })
            rows = fields(of: draft).map { f in
                var row = OrderRow(path: f.path, value: f.value, container: (f.value == "[]" || f.value == "{}"))
                if stored[f.path] != f.value { row.original = stored[f.path] ?? "" }
                return row
            }
            // What the edit leaves out stays where it was, marked removed.
            let paths = Set(rows.map(\.path))
            var previous: String?
            for f in view.fields {
                if !paths.contains(f.path) {
                    let at = previous.flatMap { p in rows.firstIndex { $0.path == p } }.map { $0 + 1 } ?? 0
                    rows.insert(OrderRow(path: f.path, value: "", original: f.value, missing: true, removed: true), at: at)
                }
                previous = f.path
            }
        } else {
            rows = view.fields.map { f in
                OrderRow(path: f.path, value: f.value, container: (f.value == "[]" || f.value == "{}"))
            }
        }
        for change in view.edit.changes where !view.edit.reshapes {
            if let i = rows.firstIndex(where: { $0.path == change.path }) {
                rows[i].original = rows[i].value
                rows[i].value = change.text
            } else {
                rows.append(OrderRow(path: change.path, value: change.text, original: ""))
            }
        }
        func attach(_ issue: OrderIssue, _ key: WritableKeyPath<OrderRow, [OrderIssue]>) -> Bool {
            guard let field = issue.field, !field.isEmpty else { return false }
            if let i = rows.firstIndex(where: { $0.path == field })
                ?? rows.firstIndex(where: { $0.path.hasPrefix(field + ".") || $0.path.hasPrefix(field + "[") }) {
                rows[i][keyPath: key].append(issue)
            } else {
                var row = OrderRow(path: field, value: "", missing: true)
                row[keyPath: key].append(issue)
                rows.append(row)
            }
            return true
        }
        for issue in view.issues { _ = attach(issue, \.issues) }
        for issue in view.rejection { _ = attach(issue, \.rejected) }
        for note in view.conversions { _ = attach(note, \.converted) }
        return rows
    }
}
