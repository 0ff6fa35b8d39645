import DocketCore

/// The pager's keys: scroll, find, jump to a named place, back.
enum PagerKeys {
    static func visible(_ s: AppState) -> Int { PagerView.lines(in: s.body) }

    static func scroll(_ s: inout AppState, to line: Int) {
        s.pager.scroll = min(max(0, line), s.pager.maxScroll(visible: visible(s)))
    }

    /// A place is there, or the text is still coming and may bring it.
    static func canJump(_ s: AppState, to place: Character) -> Bool { s.pager.places[place] != nil || s.pager.loading }

    /// To the place now, or as soon as the text is here.
    static func jump(_ s: inout AppState, to place: Character) {
        guard let line = s.pager.places[place] else {
            s.pager.pendingJump = place
            return
        }
        scroll(&s, to: line)
    }

    static let table = KeyTable("Pager (a request and response, a whole message)", [
        KeyBinding(Key.moves, "↑↓ j k", "scroll a line", bar: "scroll") { s, key in
            scroll(&s, to: s.pager.scroll + (key == .down || key == .char("j") ? 1 : -1))
            return []
        },
        KeyBinding(Key.pages, "PgUp PgDn Space", "a page up or down", bar: "page") { s, key in
            scroll(&s, to: s.pager.scroll + (key == .pageUp ? -1 : 1) * max(1, visible(s) - 1))
            return []
        },
        KeyBinding(Key.jumps, "g G Home End", "the top or the end") { s, key in
            scroll(&s, to: key == .home || key == .char("g") ? 0 : Int.max / 2)
            return []
        },
        KeyBinding([.char("r")], "r", "jump to the response", bar: "response", when: { canJump($0, to: "r") }) { s, _ in
            jump(&s, to: "r")
            return []
        },
        KeyBinding([.char("b")], "b", "jump to the request body", bar: "body", when: { canJump($0, to: "b") }) { s, _ in
            jump(&s, to: "b")
            return []
        },
        KeyBinding([.char("n"), .char("N")], "n N", "the next or previous line with what / found", bar: "next",
                   when: { $0.pager.needle != nil }) { s, key in
            guard let needle = s.pager.needle else { return [] }
            if let i = s.pager.find(needle, from: s.pager.scroll, forward: key == .char("n")) {
                scroll(&s, to: i)
            } else {
                s.message = "\"\(needle)\" is not here."
            }
            return []
        },
        KeyBinding([.escape, .char("q"), .left], "Esc q ←", "back", bar: "back") { s, _ in
            s.screen = s.pager.returnTo
            return []
        },
    ] + Reducer.common(find: "find a line (n finds the next)"))

    /// A request and its response, bodies pretty-printed, `r` and `b` to
    /// jump between them (headers are never kept, so no credential can
    /// show here).
    static func exchange(_ r: RequestRecord, returnTo: AppState.Screen) -> PagerState {
        func pretty(_ bytes: [UInt8]) -> [String] {
            if bytes.isEmpty { return ["(empty)"] }
            if let v = try? JSONParser.parse(bytes) { return JSONWriter.string(v, pretty: true).components(separatedBy: "\n") }
            return String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
        }
        var lines: [(String, Role)] = [("\(r.method) \(r.url)  attempt \(r.attempt), \(Plural.orders(r.orderIds.count))", .header)]
        lines += pretty(r.requestBody).map { ($0, .normal) }
        lines.append(("", .normal))
        let response = lines.count
        lines.append((r.status.map { "Response: HTTP \($0) in \(r.milliseconds) ms" } ?? "No response: \(r.error ?? "")", .header))
        lines += pretty(r.responseBody).map { ($0, .normal) }
        return PagerState(title: "Request \(r.sequence), attempt \(r.attempt) and its response", lines: lines, returnTo: returnTo,
                          places: ["b": 0, "r": response])
    }
}
