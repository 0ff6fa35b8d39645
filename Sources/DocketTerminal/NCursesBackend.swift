import CNCurses
import DocketTUI
import Foundation

/// The thin ncurses side of the console: draws a Grid (only the cells that
/// changed), turns keys and resizes into `Key`s, and gives the terminal back
/// as it found it.
public final class NCursesBackend {
    private var screen: OpaquePointer?
    private var previous: Grid?
    private var attributes: [Role: Int32] = [:]
    public let colors: Bool

    public init(noColor: Bool = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError("the console needs a terminal; for scripts use docket orders, docket submit and the other commands")
        }
        _ = docket_unblock_terminal_signals()
        setlocale(LC_ALL, "")
        setenv("ESCDELAY", "25", 0)
        guard let s = docket_newterm() else {
            throw TerminalError("ncurses does not know the terminal type \"\(ProcessInfo.processInfo.environment["TERM"] ?? "")\"")
        }
        screen = s
        raw()
        noecho()
        _ = docket_keypad()
        curs_set(0)
        _ = docket_timeout(100)
        colors = !noColor && has_colors()
        if colors {
            start_color()
            use_default_colors()
        }
        setUpTheme()
    }

    /// The default theme: roles to colour pairs (or plain attributes with
    /// NO_COLOR or a terminal without colours).
    func setUpTheme() {
        let bold = Int32(docket_a_bold()), reverse = Int32(docket_a_reverse()), dim = Int32(docket_a_dim())
        let plain: [Role: Int32] = [.normal: 0, .header: bold, .selection: reverse, .statusBar: reverse, .statusKey: reverse | bold,
                                    .title: bold, .dim: dim, .error: bold, .help: reverse, .outcomeAccepted: 0,
                                    .outcomeRejected: bold, .outcomeOther: 0, .fieldChanged: bold, .fieldIssue: bold,
                                    .marked: bold, .input: 0]
        guard colors else { attributes = plain; return }
        let pairs: [(Role, Int16, Int16, Int32)] = [
            (.header, Int16(COLOR_CYAN), -1, bold), (.selection, Int16(COLOR_BLACK), Int16(COLOR_CYAN), 0),
            (.statusBar, Int16(COLOR_BLACK), Int16(COLOR_WHITE), 0), (.statusKey, Int16(COLOR_BLUE), Int16(COLOR_WHITE), bold),
            (.title, Int16(COLOR_WHITE), Int16(COLOR_BLUE), bold), (.error, Int16(COLOR_RED), -1, bold),
            (.help, Int16(COLOR_BLACK), Int16(COLOR_YELLOW), 0), (.outcomeAccepted, Int16(COLOR_GREEN), -1, 0),
            (.outcomeRejected, Int16(COLOR_RED), -1, bold), (.outcomeOther, Int16(COLOR_YELLOW), -1, 0),
        ]
        attributes = plain
        attributes[.dim] = dim
        for (i, (role, fg, bg, extra)) in pairs.enumerated() {
            init_pair(Int16(i + 1), fg, bg)
            attributes[role] = Int32(docket_color_pair(Int32(i + 1))) | extra
        }
    }

    public var size: (width: Int, height: Int) {
        (Int(getmaxx(docket_stdscr())), Int(getmaxy(docket_stdscr())))
    }

    /// Draws the cells that differ from the last frame.
    public func draw(_ grid: Grid) {
        let full = previous == nil || previous!.width != grid.width || previous!.height != grid.height
        if full { _ = docket_erase() }
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let cell = grid[x, y]
                if cell.continuation { continue }
                if !full, let p = previous, p[x, y] == cell { continue }
                _ = docket_attrset(attributes[cell.role] ?? 0)
                _ = docket_mvaddstr(Int32(y), Int32(x), cell.text.isEmpty ? " " : cell.text)
            }
        }
        _ = docket_attrset(0)
        _ = docket_refresh()
        previous = grid
    }

    /// The next key, or nil when none came within 100 ms.
    public func readKey() -> Key? {
        var ch: wint_t = 0
        let result = docket_get_wch(&ch)
        if result == ERR { return nil }
        if result == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case docket_key_resize():
                previous = nil
                return .resize(width: size.width, height: size.height)
            default: return nil
            }
        }
        switch ch {
        case 10, 13: return .enter
        case 27: return .escape
        case 9: return .tab
        case 8, 127: return .backspace
        default:
            guard let scalar = Unicode.Scalar(UInt32(ch)) else { return nil }
            return .char(Character(scalar))
        }
    }

    /// Gives the terminal back: normal mode, cursor shown, screen restored.
    public func end() {
        guard let s = screen else { return }
        curs_set(1)
        endwin()
        delscreen(s)
        screen = nil
    }

    deinit { end() }
}

public struct TerminalError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
