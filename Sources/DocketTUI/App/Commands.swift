import DocketCore

/// A `:` command as a value: its names, how it is written, what it does.
/// `:help` and the help screen list these; the runner dispatches on them.
public struct Command: Sendable {
    public let names: [String]
    public let usage: String
    public let help: String
    /// Works with unsaved changes on the order screen (it does not leave it).
    let staysOnOrder: Bool
    let run: @Sendable (inout AppState, String) -> [Effect]

    init(_ names: [String], _ usage: String, _ help: String, staysOnOrder: Bool = false,
         run: @escaping @Sendable (inout AppState, String) -> [Effect]) {
        self.names = names
        self.usage = usage
        self.help = help
        self.staysOnOrder = staysOnOrder
        self.run = run
    }
}

extension Reducer {
    public static let commands: [Command] = [
        Command(["open"], ":open ID", "open an order by external id") { s, arg in
            guard !arg.isEmpty else { s.message = ":open needs an external id, e.g. :open PRC-ORD-101"; return [] }
            return openOrder(&s, arg, fromBatch: false, byCommand: true)
        },
        Command(["status"], ":status OPEN,CLOSED", "only orders with these statuses") { s, arg in
            var statuses: [OrderStatus] = []
            for word in list(arg) {
                guard let status = OrderStatus(rawValue: word.uppercased()) else {
                    s.message = "\"\(word)\" is not a status: use OPEN, PROCESSING, CLOSED or CANCELLED."
                    return []
                }
                statuses.append(status)
            }
            return filter(&s) { $0.statuses = statuses }
        },
        Command(["outcome"], ":outcome failed", "latest outcome (at :target): failed, rejected, unknown…; none: never sent") { s, arg in
            let known = ["accepted", "exists", "rejected", "not_saved", "skipped", "unknown", "pending", "none", "failed"]
            let words = list(arg).map { $0.lowercased() }
            if let bad = words.first(where: { !known.contains($0) }) {
                s.message = "\"\(bad)\" is not an outcome: use \(known.joined(separator: ", ")) (failed: rejected, not_saved, unknown and skipped)."
                return []
            }
            var outcomes: [String] = []
            for w in words {
                for o in (w == "failed" ? RefusalGrouping.failedNames : [w]) where !outcomes.contains(o) { outcomes.append(o) }
            }
            return filter(&s) { $0.outcomes = outcomes }
        },
        Command(["target"], ":target NAME", "orders sent to NAME, with its outcome") { s, arg in
            filter(&s) { $0.target = arg.isEmpty ? nil : arg }
        },
        Command(["changed"], ":changed", "only orders changed since sent (again: all)") { s, arg in
            let on = arg.isEmpty ? !s.orders.query.changed : !["off", "no", "false"].contains(arg.lowercased())
            return filter(&s) { $0.changed = on }
        },
        Command(["search", "s"], ":search TEXT", "id, customer, SKU or email (as / on the orders)") { s, arg in
            s.screen = .orders
            return find(&s, arg, final: true)
        },
        Command(["sort"], ":sort date desc", "id, date, customer, status, updated, outcome") { s, arg in
            let parts = arg.split(separator: " ").map { $0.lowercased() }
            guard let first = parts.first, let sort = OrderSort(rawValue: first == "external_id" ? "id" : first) else {
                s.message = "Sort by one of: \(OrderSort.allCases.map(\.rawValue).joined(separator: ", ")) (add desc for newest or largest first)."
                return []
            }
            return filter(&s) {
                $0.sort = sort
                $0.descending = parts.dropFirst().contains("desc")
            }
        },
        Command(["clear"], ":clear", "every order again, nothing marked") { s, _ in
            s.orders.marked = []
            return filter(&s) { $0 = OrderQuery() }
        },
        Command(["errors", "e"], ":errors", "this view's failures grouped by cause (as e)") { s, _ in
            if s.screen == .batch, let report = s.batch {
                openErrors(&s, batch: report)
                return []
            }
            return openErrors(&s, view: s.orders.query)
        },
        Command(["set"], ":set FIELD VALUE", "set a field on the marked orders or groups (or the view); preview first") { s, arg in
            let words = words(arg)
            guard words.count >= 2 else {
                s.message = ":set needs a field and a value, e.g. :set currency EUR or :set items[*].productId SKU-9"
                return []
            }
            return previewFix(&s, .set(field: words[0], value: words.dropFirst().joined(separator: " ")))
        },
        Command(["replace"], ":replace FIELD OLD NEW", "replace one exact value (items[*].productId for every line); preview first") { s, arg in
            let words = words(arg)
            guard words.count == 3 else {
                s.message = ":replace needs a field, the old value and the new one, e.g. :replace items[*].productId RETIRED-33 SKU-9 (quote values with spaces)"
                return []
            }
            return previewFix(&s, .replace(field: words[0], old: words[1], new: words[2]))
        },
        Command(["compose", "c"], ":compose [TARGET]", "compose a batch (as c)") { s, arg in
            s.screen = .orders
            guard !arg.isEmpty else { return composeFromOrders(&s) }
            guard let i = s.targets.firstIndex(where: { $0.name == arg }) else {
                s.message = "No target \"\(arg)\" in the config; known: \(s.targets.map(\.name).joined(separator: ", "))."
                return []
            }
            return composeFromOrders(&s, target: i)
        },
        Command(["batches", "b"], ":batches", "the batches (as b)") { s, _ in openBatches(&s) },
        Command(["orders", "o"], ":orders", "the orders table") { s, _ in
            s.screen = .orders
            return []
        },
        Command(["retry"], ":retry", "on a batch: retry what failed (as R)", staysOnOrder: true) { s, _ in
            guard s.screen == .batch else { s.message = ":retry works on a batch's screen (b, then Enter)."; return [] }
            return BatchKeys.retry(&s)
        },
        Command(["help", "h"], ":help", "the keys and commands (as ?)", staysOnOrder: true) { s, _ in
            s.showHelp = true
            return []
        },
        Command(["q", "quit", "q!"], ":q  :q!", "quit (:q! without asking)") { s, arg in
            requestQuit(&s)
            return []
        },
    ]

    static func run(command text: String, _ s: inout AppState) -> [Effect] {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        guard let name = parts.first?.lowercased() else { return [] }
        let argument = parts.count > 1 ? trimmed(parts[1]) : ""
        guard let command = commands.first(where: { $0.names.contains(name) }) else {
            s.message = "Unknown command \"\(name)\": :help lists the commands."
            return []
        }
        // Leaving the order screen here would drop its unsaved edit.
        if !command.staysOnOrder, s.screen == .order, let view = s.orderView, !view.edit.isEmpty {
            s.message = "\(changesText(view.edit)) not saved: s saves, or Esc twice to leave without saving, first."
            return []
        }
        let effects = command.run(&s, argument)
        if name == "q!" { s.quit = true }
        return effects
    }

    static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }

    /// Words split at spaces, "quoted text" kept whole.
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var word = ""
        var quoted = false
        var started = false
        for ch in text {
            if ch == "\"" { quoted.toggle(); started = true; continue }
            if ch == " " && !quoted {
                if started { out.append(word) }
                word = ""
                started = false
                continue
            }
            word.append(ch)
            started = true
        }
        if started { out.append(word) }
        return out
    }

    /// A bulk fix on what the screen has chosen: the marked groups (or the
    /// selected one) on the Errors view; the marked orders, else the whole
    /// view, on the Orders table.
    static func previewFix(_ s: inout AppState, _ fix: BulkFix) -> [Effect] {
        do throws(DocketError) {
            try fix.check()
        } catch {
            s.message = error.message
            return []
        }
        switch s.screen {
        case .errors:
            let ids = s.errors.fixOrders
            guard !ids.isEmpty else { s.message = "No group is selected: move to one, or mark groups with m."; return [] }
            s.message = "Working out the fix for \(Plural.orders(ids.count))…"
            return [.previewFix(fix, OrderQuery(ids: ids), target: s.errors.fixTarget)]
        case .orders:
            var q = s.orders.query
            if !s.orders.marked.isEmpty { q.ids = s.orders.marked.sorted() }
            s.message = "Working out the fix…"
            return [.previewFix(fix, q, target: q.target)]
        default:
            s.message = ":set and :replace work on the Orders table (the view, or its marked orders) and on the Errors view (the marked groups)."
            return []
        }
    }
}
