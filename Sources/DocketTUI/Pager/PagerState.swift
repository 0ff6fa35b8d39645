import DocketCore

/// Long text to read whole: a request and its response, one order's errors,
/// a field's full value. The same component for all of them: scroll, `/`
/// to find, `n` for the next match, named places to jump to.
public struct PagerState: Sendable {
    public var title = ""
    public var lines: [(text: String, role: Role)] = []
    public var scroll = 0
    /// Places a key jumps to: `r` the response, `b` the request body.
    public var places: [Character: Int] = [:]
    /// What `/` last looked for; `n` and `N` go on from the top line.
    public var needle: String?
    public var loading = false
    /// A place key pressed while the text was still coming: where to go
    /// once it is here (a request of thousands of orders takes a moment).
    public var pendingJump: Character?
    /// Where Esc goes back to.
    public var returnTo: AppState.Screen = .orders

    public init() {}

    public init(title: String, lines: [(String, Role)], returnTo: AppState.Screen, places: [Character: Int] = [:]) {
        self.title = title
        self.lines = lines.map { (text: $0.0, role: $0.1) }
        self.returnTo = returnTo
        self.places = places
    }

    /// The farthest it scrolls for `visible` lines: the last line at the bottom.
    func maxScroll(visible: Int) -> Int { max(0, lines.count - visible) }

    /// The next line holding `needle` after (or before) the top line,
    /// wrapping round.
    func find(_ needle: String, from top: Int, forward: Bool = true) -> Int? {
        let n = needle.lowercased()
        guard !n.isEmpty, !lines.isEmpty else { return nil }
        let count = lines.count
        for step in 1...count {
            let i = ((forward ? top + step : top - step) % count + count) % count
            if lines[i].text.lowercased().contains(n) { return i }
        }
        return nil
    }
}

/// Text wrapped to `width` columns, each line keeping its role: how the
/// pager shows a message longer than the screen is wide.
func wrapped(_ lines: [(String, Role)], width: Int) -> [(String, Role)] {
    lines.flatMap { text, role -> [(String, Role)] in
        guard DisplayWidth.of(text) > width, width > 10 else { return [(text, role)] }
        let indent = String(text.prefix { $0 == " " })
        return wrap(text, width: width - indent.count).enumerated().map { i, line in ((i == 0 ? "" : indent) + line, role) }
    }
}

extension PagerState {
    /// The lines wrapped to `width` columns, its places moved with them.
    func wrapped(width: Int) -> PagerState {
        var out = self
        out.lines = []
        var newIndex: [Int] = []
        for line in lines {
            newIndex.append(out.lines.count)
            out.lines += DocketTUI.wrapped([(line.text, line.role)], width: width).map { (text: $0.0, role: $0.1) }
        }
        out.places = places.mapValues { newIndex.indices.contains($0) ? newIndex[$0] : $0 }
        return out
    }
}
