import DocketCore

/// The bulk fix's preview: every order and field it would change, checked
/// against the target's rules; `y` saves each at the version shown.
enum FixKeys {
    static func scroll(_ s: inout AppState, to line: Int) {
        s.fixScroll = min(max(0, line), max(0, FixView.lineCount(s) - FixView.lines(in: s.body)))
    }

    static let table = KeyTable("Fix preview", [
        KeyBinding([.char("y")], "y", "save every change shown (each at the version shown)", bar: "save",
                   when: { !($0.fix?.saveable.isEmpty ?? true) }) { s, _ in
            guard let fix = s.fix else { return [] }
            s.message = "Saving \(Plural.orders(fix.saveable.count))…"
            return [.saveFix(fix)]
        },
        KeyBinding([.escape, .char("q"), .char("n")], "Esc q n", "leave without saving", bar: "cancel") { s, _ in
            s.fix = nil
            s.screen = s.fixReturn
            s.message = "Nothing was changed."
            return []
        },
        KeyBinding(Key.moves, "↑↓ j k", "scroll", bar: "scroll") { s, key in
            scroll(&s, to: s.fixScroll + (key == .down || key == .char("j") ? 1 : -1))
            return []
        },
        KeyBinding(Key.pages + Key.jumps, "PgUp PgDn Space g G", "a page, the top, the end") { s, key in
            let page = max(1, FixView.lines(in: s.body) - 1)
            let to: Int = switch key {
            case .pageUp: s.fixScroll - page
            case .home, .char("g"): 0
            case .end, .char("G"): Int.max / 2
            default: s.fixScroll + page
            }
            scroll(&s, to: to)
            return []
        },
        KeyBinding([.ctrlC], "Ctrl-C", "quit, from anywhere") { s, _ in Reducer.interrupt(&s) },
        KeyBinding([.char("?")], "?", "these keys", bar: "help") { s, _ in
            s.showHelp = true
            return []
        },
    ])

    static func previewed(_ s: inout AppState, _ preview: FixPreview) {
        s.fixReturn = s.screen == .fix ? s.fixReturn : s.screen
        s.fix = preview
        s.fixScroll = 0
        s.message = nil
        s.screen = .fix
    }

    static func saved(_ s: inout AppState, _ result: FixResult) -> [Effect] {
        s.fix = nil
        s.screen = s.fixReturn
        s.message = result.summary + (result.saved.isEmpty ? "" : " c composes a batch of them.")
        switch s.screen {
        case .errors:
            if case .view(let q) = s.errors.source {
                s.errors.loading = true
                s.errors.marked = []
                return [.loadFailures(q)]
            }
            return []
        case .orders:
            s.orders.loading = true
            return [.loadFirst(s.orders.query)]
        default:
            return []
        }
    }
}
