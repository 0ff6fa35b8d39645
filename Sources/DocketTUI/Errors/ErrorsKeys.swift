import DocketCore

/// The Errors view's keys: open a group as orders, mark groups for a fix.
enum ErrorsKeys {
    static let table = KeyTable("Errors", [
        KeyBinding(Key.moves + Key.pages + Key.jumps, "↑↓ j k PgUp PgDn g G", "move", bar: "move") { s, key in
            let page = ErrorsView.rows(in: s.body)
            s.errors.list.move(by: ListState<Int>.step(key, page: page) ?? 0, count: s.errors.visible.count, visible: page)
            return []
        },
        KeyBinding([.enter], "Enter", "the group's orders, as an Orders view", bar: "orders", when: { $0.errors.selected != nil }) { s, _ in
            guard let group = s.errors.selected else { return [] }
            return Reducer.openGroup(&s, group)
        },
        KeyBinding([.char("m")], "m", "mark or unmark the group (:set and :replace fix the marked groups' orders)", bar: "mark",
                   when: { $0.errors.selected != nil }) { s, _ in
            guard let group = s.errors.selected else { return [] }
            if s.errors.marked.remove(group.id) == nil { s.errors.marked.insert(group.id) }
            s.errors.list.move(by: 1, count: s.errors.visible.count, visible: ErrorsView.rows(in: s.body))
            return []
        },
        KeyBinding([.char("v")], "v", "the group whole: its message as written and every order", bar: "whole",
                   when: { $0.errors.selected != nil }) { s, _ in
            guard let g = s.errors.selected else { return [] }
            var lines: [(String, Role)] = [("\(Plural.orders(g.count)) refused by \(g.target)", .header), ("", .normal)]
            lines += [("Code: \(g.code)", .normal), ("Field: \(g.field.isEmpty ? "(the order as a whole)" : g.field)", .normal),
                      ("Message, as grouped: \(g.pattern)", .normal), ("The newest, as written: \(g.example)", .normal),
                      ("Newest: \(g.newest)", .dim), ("", .normal), ("Orders:", .header)]
            lines += g.orders.map { ("  \($0)", .normal) }
            Reducer.openPager(&s, PagerState(title: "Refusal group", lines: lines, returnTo: .errors))
            return []
        },
        KeyBinding([.char("f")], "f", "fix: starts :replace for the group's field", bar: "fix",
                   when: { $0.errors.selected.map { !$0.field.isEmpty } ?? false }) { s, _ in
            guard let g = s.errors.selected else { return [] }
            Reducer.openPrompt(&s, .command)
            s.prompt?.text = "replace \(g.field) "
            return []
        },
        KeyBinding([.escape], "Esc", "clear the filter, then the marks", bar: "show all",
                   when: { $0.errors.filter != nil || !$0.errors.marked.isEmpty }) { s, _ in
            if s.errors.filter != nil { return Reducer.find(&s, "", final: true) }
            s.errors.marked = []
            return []
        },
        KeyBinding([.escape, .char("q")], "Esc q", "back", bar: "back") { s, _ in
            s.screen = s.errors.returnTo == .batch && s.batch != nil ? .batch : .orders
            return []
        },
    ] + Reducer.common(find: "filter the groups as you type"))

    static func loaded(_ s: inout AppState, _ groups: [RefusalGroup]) {
        let selected = s.errors.selected?.id
        s.errors.groups = groups
        s.errors.loading = false
        // Marks and the cursor stay on the groups that still exist.
        s.errors.marked.formIntersection(groups.map(\.id))
        let visible = s.errors.visible
        if let selected, let i = visible.firstIndex(where: { $0.id == selected }) { s.errors.list.cursor = i }
        s.errors.list.move(by: 0, count: visible.count, visible: ErrorsView.rows(in: s.body))
    }
}
