import DocketCore

/// The order screen: move over fields, edit them (OPEN orders only), check
/// the draft against a target's rules as it is typed, save against the
/// version that was loaded.
extension Reducer {
    /// Whose rules the editor checks against.
    static func checkTargets(_ s: AppState) -> [TargetChoice] { s.targets.isEmpty ? TargetChoice.dialects : s.targets }

    static func orderLoaded(_ s: inout AppState, _ stored: StoredOrder?, _ latest: LatestOutcome?, asked: String) {
        guard let stored else {
            s.message = s.openedByCommand ? "There is no order \(asked) in the store (:open takes an external id exactly as imported)."
                : "\(asked) is no longer in the store."
            s.orderView = nil
            leaveOrder(&s)
            return
        }
        var view = OrderView(stored: stored, latest: latest)
        // Check against where it was last sent, since that is who refused it.
        let targets = checkTargets(s)
        let lastTarget = latest?.target ?? stored.lastTarget
        view.checkTarget = targets.firstIndex { $0.name == lastTarget } ?? min(s.targetCursor, targets.count - 1)
        revalidate(&view, targets)
        s.orderView = view
    }

    static func revalidate(_ view: inout OrderView, _ targets: [TargetChoice]) {
        guard targets.indices.contains(view.checkTarget) else { view.issues = []; view.conversions = []; return }
        switch view.draft() {
        case .success(let order):
            view.draftError = nil
            view.issues = targets[view.checkTarget].validator.validate(order)
            view.conversions = targets[view.checkTarget].validator.conversions(order)
        case .failure(let error):
            // Keep the last issues: the rest of the draft has not changed.
            view.draftError = error
        }
    }


    /// Leaving with unsaved changes asks first: a second Esc leaves.
    static func leave(_ s: inout AppState) -> [Effect] {
        if var view = s.orderView, !view.edit.isEmpty, !view.confirmLeave {
            view.confirmLeave = true
            s.orderView = view
            s.message = "\(changesText(view.edit)) not saved: s saves, Esc again leaves without saving."
            return []
        }
        leaveOrder(&s)
        return []
    }

    static func startEdit(_ s: inout AppState) -> [Effect] {
        guard var view = s.orderView, let row = view.selectedRow else { return [] }
        if !view.editable {
            s.message = "Read-only: this order is \(view.stored.order.status.rawValue); only OPEN orders can be edited."
        } else if !OrderEdit.isEditable(row.path) {
            s.message = "\(row.path) cannot be changed here: it is the order's key or its local status."
        } else if row.container {
            s.message = "\(row.path) is \(row.value == "[]" ? "an empty list" : "an empty object"); edit the fields inside it."
        } else {
            view.input = row.missing ? "" : row.value
            revalidate(&view, checkTargets(s))
            s.orderView = view
        }
        return []
    }

    static func save(_ s: inout AppState) -> [Effect] {
        guard let view = s.orderView else { return [] }
        guard view.editable else {
            s.message = "Read-only: this order is \(view.stored.order.status.rawValue); only OPEN orders can be edited."
            return []
        }
        guard !view.edit.isEmpty else { s.message = "Nothing to save: no field was changed."; return [] }
        switch view.draft() {
        case .failure(let e):
            s.message = "Not saved: \(e.field ?? "a field"): \(e.message)"
            return []
        case .success(let order):
            return [.save(order, expectedVersion: view.stored.version)]
        }
    }

    static func update(_ s: inout AppState) -> [Effect] {
        guard var view = s.orderView, let theirs = view.theirs else {
            s.message = "Nothing to update: nobody else changed this order while you edited it."
            return []
        }
        view.stored = theirs
        view.theirs = nil
        revalidate(&view, checkTargets(s))
        s.orderView = view
        s.message = theirs.order.status.isEditable
            ? "Your changes are now on top of version \(theirs.version); s saves them."
            : "This order is now \(theirs.order.status.rawValue), so it cannot be edited; your changes stay on screen."
        return []
    }

    /// The selected field whole, with everything said of it.
    static func whole(_ s: inout AppState) -> [Effect] {
        guard let view = s.orderView, let row = view.selectedRow else { return [] }
        var lines: [(String, Role)] = [("Field: \(row.path)", .header)]
        if let original = row.original { lines.append(("Stored: \(original)", .dim)) }
        lines.append(((row.changed ? "Changed to: " : "Value: ") + (row.missing && !row.changed ? "(missing)" : row.value), .normal))
        for (text, role) in OrderScreen.notes(for: row, view) { lines.append(("", .normal)); lines.append((text, role)) }
        openPager(&s, PagerState(title: "\(view.stored.order.externalId) · \(row.path)", lines: lines, returnTo: .order))
        return []
    }

    /// A change to the draft's shape or fields, checked against the rules
    /// at once, as typing is.
    static func change(_ s: inout AppState, _ body: (inout OrderView, OrderRow?) -> Void) -> [Effect] {
        guard var view = s.orderView else { return [] }
        body(&view, view.selectedRow)
        view.confirmLeave = false
        revalidate(&view, checkTargets(s))
        if case .failure(let e) = view.edit.apply(to: view.stored.order) { s.message = "\(e.field ?? "The order"): \(e.message)" }
        view.list.move(by: 0, count: view.rows.count, visible: orderRowsVisible(s))
        s.orderView = view
        return []
    }

    /// `s`: the diff against the stored version first; `y` then saves.
    static func review(_ s: inout AppState) -> [Effect] {
        guard var view = s.orderView else { return [] }
        guard view.editable else {
            s.message = "Read-only: this order is \(view.stored.order.status.rawValue); only OPEN orders can be edited."
            return []
        }
        if case .failure(let e) = view.draft() {
            s.message = "Not saved: \(e.field ?? "a field"): \(e.message)"
            return []
        }
        view.reviewing = true
        s.orderView = view
        return []
    }

    /// While a field is being typed into.
    static func input(_ s: inout AppState, _ change: (inout OrderView) -> Void) -> [Effect] {
        guard var view = s.orderView, view.input != nil else { return [] }
        change(&view)
        revalidate(&view, checkTargets(s))
        s.orderView = view
        return []
    }

    static func orderSaved(_ s: inout AppState, _ stored: StoredOrder, _ row: OrderSummary?) {
        if var view = s.orderView, view.stored.order.externalId == stored.order.externalId {
            let count = view.edit.steps.count
            view.stored = stored
            view.edit = OrderEdit()
            view.theirs = nil
            view.confirmLeave = false
            revalidate(&view, checkTargets(s))
            s.orderView = view
            s.message = "Saved \(count) change\(count == 1 ? "" : "s"): \(stored.order.externalId) is now version \(stored.version)."
        }
        // The table behind shows the saved order as it now is.
        if let row, let i = s.orders.rows.firstIndex(where: { $0.externalId == row.externalId }) { s.orders.rows[i] = row }
    }

    static func saveRefused(_ s: inout AppState, _ message: String, current: StoredOrder?) {
        guard var view = s.orderView else { s.message = message; return }
        defer { s.orderView = view }
        guard let current else {
            s.message = "Not saved: \(view.stored.order.externalId) is no longer in the store. Your changes stay on screen."
            return
        }
        if current.version != view.stored.version {
            view.theirs = current
            s.message = "Not saved: someone else saved this order (now version \(current.version)). "
                + "Your changes are kept: u puts them on top of that version."
        } else if !current.order.status.isEditable {
            view.theirs = current
            s.message = "Not saved: this order is now \(current.order.status.rawValue); only OPEN orders can be edited."
        } else {
            s.message = "Not saved: \(message)"
        }
    }

    static func changesText(_ edit: OrderEdit) -> String {
        Plural.of(edit.steps.count, "change")
    }

    /// Field lines that fit under the title, the note and the problems line.
    static func orderRowsVisible(_ s: AppState) -> Int { OrderScreen.rows(in: s.body) }
}

/// The order screen's keys, and those of a field being typed into.
enum OrderKeys {
    static func editable(_ s: AppState) -> Bool { s.orderView?.editable ?? false }

    static let table = KeyTable("Order", [
        KeyBinding(Key.moves + Key.pages + Key.jumps, "↑↓ j k PgUp PgDn g G", "move over the fields", bar: "move",
                   when: { $0.orderView != nil }) { s, key in
            guard var view = s.orderView else { return [] }
            let visible = Reducer.orderRowsVisible(s)
            view.list.move(by: ListState<Int>.step(key, page: visible) ?? 0, count: view.rows.count, visible: visible)
            s.orderView = view
            return []
        },
        KeyBinding([.enter, .char("e")], "Enter e", "edit the field", bar: "edit", when: editable) { s, _ in Reducer.startEdit(&s) },
        KeyBinding([.enter, .char("e")], "Enter e", "says why: only OPEN orders can be edited",
                   when: { $0.orderView.map { !$0.editable } ?? false }) { s, _ in Reducer.startEdit(&s) },
        KeyBinding([.char("s")], "s", "review the changes, field by field, then y saves them", bar: "save",
                   when: { !($0.orderView?.edit.isEmpty ?? true) }) { s, _ in Reducer.review(&s) },
        KeyBinding([.char("x")], "x", "undo the change to this field", bar: "undo field",
                   when: { $0.orderView?.selectedRow?.changed ?? false }) { s, _ in
            guard var view = s.orderView, let row = view.selectedRow else { return [] }
            view.edit.revert(row.path)
            Reducer.revalidate(&view, Reducer.checkTargets(s))
            view.list.move(by: 0, count: view.rows.count, visible: Reducer.orderRowsVisible(s))
            s.orderView = view
            return []
        },
        KeyBinding([.char("z")], "z", "undo the last change, whatever it was", bar: "undo",
                   when: { !($0.orderView?.edit.isEmpty ?? true) }) { s, _ in
            Reducer.change(&s) { view, _ in view.edit.undo() }
        },
        KeyBinding([.char("c")], "c", "clear the field: leave it out of the order (not \"\")",
                   when: { editable($0) && ($0.orderView?.selectedRow.map { !$0.missing && !$0.container && OrderEdit.isEditable($0.path) } ?? false) }) { s, _ in
            Reducer.change(&s) { view, row in if let row { view.edit.clear(row.path) } }
        },
        KeyBinding([.char("o")], "o", "add an item line after this one (at the end from other rows)",
                   when: editable) { s, _ in
            Reducer.change(&s) { view, row in
                let lines = (try? view.draft().get())?.items.count ?? view.stored.order.items.count
                view.edit.insertItem(at: row.flatMap { OrderView.itemLine($0.path) }.map { $0 + 1 } ?? lines)
            }
        },
        KeyBinding([.char("d")], "d", "remove this item line",
                   when: { editable($0) && ($0.orderView?.selectedRow.flatMap { OrderView.itemLine($0.path) } != nil) && !($0.orderView?.selectedRow?.removed ?? true) }) { s, _ in
            Reducer.change(&s) { view, row in if let line = row.flatMap({ OrderView.itemLine($0.path) }) { view.edit.deleteItem(at: line) } }
        },
        KeyBinding([.char("u")], "u", "put your changes on top of the version someone else saved", bar: "update to theirs",
                   when: { $0.orderView?.theirs != nil }) { s, _ in Reducer.update(&s) },
        KeyBinding([.char("t"), .tab], "t Tab", "check against the next target's rules", bar: "check against",
                   when: { $0.orderView != nil }) { s, _ in
            guard var view = s.orderView else { return [] }
            let targets = Reducer.checkTargets(s)
            view.checkTarget = (view.checkTarget + 1) % targets.count
            Reducer.revalidate(&view, targets)
            s.orderView = view
            let n = view.issues.count
            s.message = "Checking against \(targets[view.checkTarget].name): \(n == 0 ? "no problems" : Plural.of(n, "problem"))."
            return []
        },
        KeyBinding([.char("v")], "v", "the field whole, with everything said of it", bar: "whole",
                   when: { $0.orderView?.selectedRow != nil }) { s, _ in Reducer.whole(&s) },
        KeyBinding([.char("h")], "h", "history: who changed this order, when, and what", bar: "history",
                   when: { $0.orderView != nil }) { s, _ in
            guard let id = s.orderView?.stored.order.externalId else { return [] }
            return [.loadHistory(id)]
        },
        KeyBinding([.escape, .char("q"), .left], "Esc q ←", "back (asks first when changes are not saved)", bar: "back") { s, _ in
            Reducer.leave(&s)
        },
    ] + Reducer.common(find: "find a field by name or value"))

    static let review = KeyTable("Order: review before saving", [
        KeyBinding([.char("y")], "y", "save (refused if someone saved first: nothing is lost)", bar: "save") { s, _ in
            guard var view = s.orderView else { return [] }
            view.reviewing = false
            s.orderView = view
            return Reducer.save(&s)
        },
        KeyBinding([.escape, .char("q"), .char("n")], "Esc q n", "back to editing, nothing saved", bar: "back") { s, _ in
            s.orderView?.reviewing = false
            return []
        },
        KeyBinding([.ctrlC], "Ctrl-C", "quit, from anywhere (asks first: the edit is not saved)") { s, _ in Reducer.interrupt(&s) },
    ])

    static let editing = KeyTable("Editing a field", [
        KeyBinding([.enter], "Enter", "keep what was typed (s saves the order)", bar: "keep") { s, _ in
            Reducer.input(&s) { view in
                if let row = view.selectedRow, let text = view.input {
                    if text == (row.original ?? (row.missing ? nil : row.value)) { view.edit.revert(row.path) } else { view.edit.set(row.path, to: text) }
                }
                view.input = nil
            }
        },
        KeyBinding([.escape], "Esc", "cancel the typing", bar: "cancel") { s, _ in Reducer.input(&s) { $0.input = nil } },
        KeyBinding([.ctrlU], "Ctrl-U", "clear the field", bar: "clear") { s, _ in Reducer.input(&s) { $0.input = "" } },
        KeyBinding([.backspace], "Backspace", "delete the last character") { s, _ in
            Reducer.input(&s) { if $0.input?.isEmpty == false { $0.input?.removeLast() } }
        },
        KeyBinding([], "text", "typed into the field", accepts: { $0.typedCharacter != nil }) { s, key in
            guard let c = key.typedCharacter else { return [] }
            return Reducer.input(&s) { if ($0.input?.count ?? 0) < 2000 { $0.input?.append(c) } }
        },
        KeyBinding([.ctrlC], "Ctrl-C", "quit, from anywhere (asks first: the edit is not saved)") { s, _ in Reducer.interrupt(&s) },
    ])
}
