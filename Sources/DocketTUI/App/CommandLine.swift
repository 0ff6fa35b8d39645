import DocketCore

/// The `:` command line: what has no single key of its own (filters, sort,
/// opening an order by id), and a typed way to everything that has.
extension Reducer {
    /// Every command, for `:help` and the help screen.
    public static let commands: [(String, String)] = [
        (":open ID", "open an order by external id"),
        (":status OPEN,CLOSED", "only orders with these statuses"),
        (":outcome rejected,unknown", "latest outcome (at :target); none: never sent"),
        (":target NAME", "orders sent to NAME, with its outcome"),
        (":changed", "only orders changed since sent (again: all)"),
        (":search TEXT", "id, customer or SKU (as /)"),
        (":sort date desc", "id, date, customer, status, updated, outcome"),
        (":clear", "every order again, nothing marked"),
        (":compose [TARGET]", "compose a batch (as c)"),
        (":batches  :orders", "go to that screen"),
        (":retry", "on a batch: retry what failed (as R)"),
        (":q", "quit"),
    ]

    static func command(_ s: inout AppState, _ key: Key) -> [Effect] {
        switch key {
        case .escape:
            s.commandInput = nil
        case .enter:
            let text = trimmed(s.commandInput ?? "")
            s.commandInput = nil
            return run(command: text, &s)
        default:
            var text = s.commandInput ?? ""
            if typed(key, into: &text) { s.commandInput = text }
        }
        return []
    }

    static func run(command text: String, _ s: inout AppState) -> [Effect] {
        let words = text.split(separator: " ", maxSplits: 1).map(String.init)
        guard let name = words.first?.lowercased() else { return [] }
        let argument = words.count > 1 ? trimmed(words[1]) : ""
        // Leaving the order screen here would drop its unsaved edit.
        let leaves = !["help", "h", "retry"].contains(name)
        if leaves, s.screen == .order, let view = s.orderView, !view.edit.isEmpty {
            s.message = "\(changesText(view.edit)) not saved: s saves, or Esc twice to leave without saving, first."
            return []
        }
        switch name {
        case "q", "quit", "q!":
            requestQuit(&s)
            if name == "q!" { s.quit = true }
        case "help", "h":
            s.showHelp = true
        case "orders", "o":
            s.screen = .orders
        case "batches", "b":
            s.screen = .batches
            return [.loadBatches]
        case "open":
            guard !argument.isEmpty else { s.message = ":open needs an external id, e.g. :open PRC-ORD-101"; return [] }
            return openOrder(&s, argument, fromBatch: false)
        case "search", "s":
            s.screen = .orders
            return find(&s, argument)
        case "status":
            var statuses: [OrderStatus] = []
            for word in list(argument) {
                guard let status = OrderStatus(rawValue: word.uppercased()) else {
                    s.message = "\"\(word)\" is not a status: use OPEN, PROCESSING, CLOSED or CANCELLED."
                    return []
                }
                statuses.append(status)
            }
            return filter(&s) { $0.statuses = statuses }
        case "outcome":
            let known = ["accepted", "exists", "rejected", "not_saved", "skipped", "unknown", "pending", "none"]
            let outcomes = list(argument).map { $0.lowercased() }
            if let bad = outcomes.first(where: { !known.contains($0) }) {
                s.message = "\"\(bad)\" is not an outcome: use \(known.joined(separator: ", "))."
                return []
            }
            return filter(&s) { $0.outcomes = outcomes }
        case "target":
            return filter(&s) { $0.target = argument.isEmpty ? nil : argument }
        case "changed":
            let on = argument.isEmpty ? !s.orders.query.changed : !["off", "no", "false"].contains(argument.lowercased())
            return filter(&s) { $0.changed = on }
        case "sort":
            let parts = argument.split(separator: " ").map { $0.lowercased() }
            guard let first = parts.first, let sort = OrderSort(rawValue: first == "external_id" ? "id" : first) else {
                s.message = "Sort by one of: \(OrderSort.allCases.map(\.rawValue).joined(separator: ", ")) (add desc for newest or largest first)."
                return []
            }
            return filter(&s) {
                $0.sort = sort
                $0.descending = parts.dropFirst().contains("desc")
            }
        case "clear":
            s.orders.marked = []
            return filter(&s) { $0 = OrderQuery() }
        case "compose", "c":
            s.screen = .orders
            guard !argument.isEmpty else { return ordersKey(&s, .char("c")) }
            guard let i = s.targets.firstIndex(where: { $0.name == argument }) else {
                s.message = "No target \"\(argument)\" in the config; known: \(s.targets.map(\.name).joined(separator: ", "))."
                return []
            }
            s.targetCursor = i
            s.retryIds = nil
            s.retryIncludeUnchanged = false
            return openCompose(&s)
        case "retry":
            guard s.screen == .batch else { s.message = ":retry works on a batch's screen (b, then Enter)."; return [] }
            return batchKey(&s, .char("R"))
        default:
            s.message = "Unknown command \"\(name)\": ? lists the commands."
        }
        return []
    }

    static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }

    /// Changes the orders table's query and shows it from the start.
    static func filter(_ s: inout AppState, _ change: (inout OrderQuery) -> Void) -> [Effect] {
        change(&s.orders.query)
        s.screen = .orders
        s.orders.loading = true
        return [.loadFirst(s.orders.query)]
    }
}
