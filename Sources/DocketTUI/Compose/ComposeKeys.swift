import DocketCore

/// Compose's keys: choose the target, read the plan and its requests, send.
enum ComposeKeys {
    static func scroll(_ s: inout AppState, to line: Int) {
        s.planScroll = min(max(0, line), ComposeView.maxScroll(s, area: s.body))
    }

    static let table = KeyTable("Compose", [
        KeyBinding([.char("s")], "s", "send (asks first: y sends exactly the plan shown)", bar: "send", when: { $0.plan != nil }) { s, _ in
            guard let plan = s.plan, plan.sendable > 0 else {
                s.message = "Nothing to send: no order of this selection passes the target's checks."
                return []
            }
            s.confirmSend = true
            return []
        },
        KeyBinding([.left, .char("h"), .right, .char("l"), .tab], "← → h l Tab", "the previous or next target", bar: "target",
                   when: { !$0.targets.isEmpty }) { s, key in
            let step = (key == .left || key == .char("h")) ? -1 : 1
            s.targetCursor = (s.targetCursor + step + s.targets.count) % s.targets.count
            return Reducer.openCompose(&s)
        },
        KeyBinding(Key.moves, "↑↓ j k", "scroll", bar: "scroll") { s, key in
            scroll(&s, to: s.planScroll + (key == .down || key == .char("j") ? 1 : -1))
            return []
        },
        KeyBinding([.char("]"), .char("["), .char("n"), .char("p")], "] [ n p", "the next or previous request", bar: "requests",
                   when: { ($0.plan?.requests.count ?? 0) > 1 }) { s, key in
            guard let plan = s.plan, !plan.requests.isEmpty else { return [] }
            let current = s.shownRequest?.index ?? 0
            let step = (key == .char("]") || key == .char("n")) ? 1 : -1
            let next = min(max(0, current + step), plan.requests.count - 1)
            guard next != current else {
                s.message = step < 0 ? "That is the first request."
                    : plan.requestCount > plan.requests.count ? "The first \(plan.requests.count) of \(plan.requestCount) requests can be shown here; docket export --as \(plan.target) writes them all."
                    : "That is the last request."
                return []
            }
            return [.showRequest(next, plan)]
        },
        KeyBinding([.char("v")], "v", "the request shown, whole, in the pager (/ finds, n again)", bar: "whole",
                   when: { $0.shownRequest != nil }) { s, _ in
            guard let shown = s.shownRequest, let plan = s.plan else { return [] }
            Reducer.openPager(&s, PagerState(title: "Request \(shown.index + 1) of \(plan.requestCount) to \(plan.target), as it will be sent",
                                             lines: shown.lines.map { ($0, .normal) }, returnTo: .compose))
            return []
        },
        KeyBinding([.char("R")], "R", "send the refused orders nobody changed too", bar: "with unchanged",
                   when: { ($0.plan?.unchangedRefused ?? 0) > 0 && !$0.retryIncludeUnchanged }) { s, _ in
            s.retryIncludeUnchanged = true
            return Reducer.openCompose(&s)
        },
        KeyBinding(Key.pages, "PgUp PgDn Space", "a page up or down") { s, key in
            let page = max(1, ComposeView.lines(in: s.body) - 1)
            scroll(&s, to: s.planScroll + (key == .pageUp ? -page : page))
            return []
        },
        KeyBinding(Key.jumps, "g G Home End", "the top or the end") { s, key in
            scroll(&s, to: key == .home || key == .char("g") ? 0 : Int.max / 2)
            return []
        },
        KeyBinding([.escape, .char("q")], "Esc q", "back to the orders", bar: "back") { s, _ in
            s.screen = .orders
            return []
        },
    ] + Reducer.common(find: "find a line of the plan or the request"))
}
