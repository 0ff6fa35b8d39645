import DocketCore

/// A semantic role a theme maps to colours and attributes. Screens say what
/// a cell is; the theme (and the terminal's colours, or NO_COLOR) says how
/// it looks.
public enum Role: String, Sendable, CaseIterable {
    case normal, header, selection, statusBar = "status", statusKey = "status.key", title, dim, error, help, helpOff = "help.off"
    case outcomeAccepted = "outcome.accepted", outcomeRejected = "outcome.rejected", outcomeOther = "outcome.other"
    case fieldChanged = "field.changed", fieldIssue = "field.issue", marked, input
}

/// One terminal cell: a character (or the right half of a wide one) and its role.
public struct Cell: Sendable, Equatable {
    public var text: String
    public var role: Role
    /// The right half of a wide character drawn in the cell to its left.
    public var continuation: Bool

    public static let blank = Cell(text: " ", role: .normal, continuation: false)

    public init(text: String, role: Role, continuation: Bool = false) {
        self.text = text
        self.role = role
        self.continuation = continuation
    }
}

/// The screen as a grid of cells: screens draw into it, tests read it as
/// text, the ncurses backend copies what changed to the terminal. (The idea
/// of ratatui's Buffer.)
public struct Grid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes text from (x, y), at most `maxWidth` columns, escaping control
    /// characters (untrusted text never reaches the terminal raw) and
    /// keeping wide characters whole. Text that does not fit ends in `…`, so
    /// a cut value never passes for a whole one. Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: Role = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width - max(x, 0), maxWidth ?? Int.max)
        guard limit > 0 else { return 0 }
        let safe = SafeText.escape(text)
        let cut = DisplayWidth.of(safe) > limit
        var column = x
        var used = 0
        for ch in safe {
            let s = String(ch)
            let w = max(DisplayWidth.of(s), 1)
            if used + w > limit - (cut ? 1 : 0) { break }
            if column >= 0 {
                self[column, y] = Cell(text: s, role: role)
                if w == 2 && column + 1 < width { self[column + 1, y] = Cell(text: "", role: role, continuation: true) }
            }
            column += w
            used += w
        }
        if cut, column >= 0, column < width {
            self[column, y] = Cell(text: "…", role: role)
            used += 1
        }
        return used
    }

    /// Fills a row span with one role (blank text), e.g. a selected line.
    public mutating func fill(y: Int, from x: Int = 0, width w: Int? = nil, role: Role) {
        guard y >= 0, y < height else { return }
        for c in max(0, x)..<min(width, x + (w ?? width)) { self[c, y] = Cell(text: " ", role: role) }
    }

    /// The grid as plain text, one line per row, trailing spaces trimmed:
    /// what render tests compare.
    public var text: String {
        (0..<height).map { y in
            var line = ""
            for x in 0..<width where !self[x, y].continuation { line += self[x, y].text }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// The role of the cell at (x, y), for tests of highlighting.
    public func role(x: Int, y: Int) -> Role { self[x, y].role }
}
