import DocketCore

/// The order screen: move over fields, edit them (OPEN orders only), check
/// the draft against a target's rules as it is typed, save against the
/// version that was loaded.
extension Reducer {
    /// Whose rules the editor checks against.
    static func checkTargets(_ s: AppState) -> [TargetChoice] { s.targets.isEmpty ? TargetChoice.dialects : s.targets }

    static func openOrder(_ s: inout AppState, _ id: String, fromBatch: Bool) -> [Effect] {
        s.screen = .order
        s.cameFromBatch = fromBatch
        s.orderView = nil
        return [.loadOrder(id)]
    }

    static func orderLoaded(_ s: inout AppState, _ stored: StoredOrder?, _ latest: LatestOutcome?) {
        guard let stored else {
            s.message = "That order is no longer in the store."
            s.orderView = nil
            s.screen = s.cameFromBatch && s.batch != nil ? .batch : .orders
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

    static func orderKey(_ s: inout AppState, _ key: Key) -> [Effect] {
        guard var view = s.orderView else {
            if [.escape, .char("q"), .left, .char("h")].contains(key) { s.screen = s.cameFromBatch && s.batch != nil ? .batch : .orders }
            return []
        }
        defer { s.orderView = view }
        if view.input != nil { return orderInput(&s, &view, key) }
        let leaving = [.escape, .char("q"), .left, .char("h")].contains(key)
        if !leaving { view.confirmLeave = false }
        let rows = view.rows
        let visible = orderRowsVisible(s)
        if let delta = listMove(key, page: visible) {
            view.list.move(by: delta, count: rows.count, visible: visible)
            return []
        }
        switch key {
        case _ where leaving:
            if !view.edit.isEmpty && !view.confirmLeave {
                view.confirmLeave = true
                s.message = "\(changesText(view.edit)) not saved: s saves, Esc again leaves without saving."
                return []
            }
            s.screen = s.cameFromBatch && s.batch != nil ? .batch : .orders
        case .enter, .char("e"):
            guard let row = view.selectedRow else { return [] }
            if !view.editable {
                s.message = "Read-only: this order is \(view.stored.order.status.rawValue); only OPEN orders can be edited."
            } else if !OrderEdit.isEditable(row.path) {
                s.message = "\(row.path) cannot be changed here: it is the order's key or its local status."
            } else if row.container {
                s.message = "\(row.path) is \(row.value == "[]" ? "an empty list" : "an empty object"); edit the fields inside it."
            } else {
                view.input = row.missing ? "" : row.value
                revalidate(&view, checkTargets(s))
            }
        case .char("t"), .tab:
            let targets = checkTargets(s)
            view.checkTarget = (view.checkTarget + 1) % targets.count
            revalidate(&view, targets)
            let n = view.issues.count
            s.message = "Checking against \(targets[view.checkTarget].name): \(n == 0 ? "no problems" : "\(n) problem\(n == 1 ? "" : "s")")."
        case .char("x"):
            guard let row = view.selectedRow, row.changed else { return [] }
            view.edit.revert(row.path)
            revalidate(&view, checkTargets(s))
            view.list.move(by: 0, count: view.rows.count, visible: visible)
        case .char("s"):
            guard view.editable else {
                s.message = "Read-only: this order is \(view.stored.order.status.rawValue); only OPEN orders can be edited."
                return []
            }
            guard !view.edit.isEmpty else { s.message = "Nothing to save: no field was changed."; return [] }
            switch view.draft() {
            case .failure(let e):
                s.message = "Not saved: \(e.field ?? "a field"): \(e.message)"
            case .success(let order):
                return [.save(order, expectedVersion: view.stored.version)]
            }
        case .char("u"):
            guard let theirs = view.theirs else {
                s.message = "Nothing to update: nobody else changed this order while you edited it."
                return []
            }
            view.stored = theirs
            view.theirs = nil
            revalidate(&view, checkTargets(s))
            s.message = theirs.order.status.isEditable
                ? "Your changes are now on top of version \(theirs.version); s saves them."
                : "This order is now \(theirs.order.status.rawValue), so it cannot be edited; your changes stay on screen."
        default: break
        }
        return []
    }

    static func orderInput(_ s: inout AppState, _ view: inout OrderView, _ key: Key) -> [Effect] {
        switch key {
        case .escape:
            view.input = nil
        case .enter:
            if let row = view.selectedRow, let text = view.input {
                if text == (row.original ?? (row.missing ? nil : row.value)) { view.edit.revert(row.path) } else { view.edit.set(row.path, to: text) }
            }
            view.input = nil
        case .backspace:
            if view.input?.isEmpty == false { view.input?.removeLast() }
        case .char("\u{15}"):
            view.input = ""
        case .char(let c) where !c.isNewline && c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }):
            if (view.input?.count ?? 0) < 2000 { view.input?.append(c) }
        default:
            return []
        }
        revalidate(&view, checkTargets(s))
        return []
    }

    static func orderSaved(_ s: inout AppState, _ stored: StoredOrder, _ row: OrderSummary?) {
        if var view = s.orderView, view.stored.order.externalId == stored.order.externalId {
            let count = view.edit.changes.count
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
        edit.changes.count == 1 ? "1 change" : "\(edit.changes.count) changes"
    }

    /// Field lines that fit under the title, the note and the problems line.
    static func orderRowsVisible(_ s: AppState) -> Int { max(1, s.height - 4) }
}
