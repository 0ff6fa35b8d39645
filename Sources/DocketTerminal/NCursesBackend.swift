import CCrashRestore
import CNCurses
import DocketTUI
import Foundation

/// The thin ncurses side of the console: draws a Grid (only the cells that
/// changed), turns keys and resizes into `Key`s, and gives the terminal back
/// as it found it.
public final class NCursesBackend: Backend {
    private var screen: OpaquePointer?
    private var previous: Grid?
    private var attributes: [Role: Int32] = [:]
    public let colors: Bool

    public init(theme: Theme = .fallback,
                noColor: Bool = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false) throws {
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
        docket_restore_terminal_on_crash()
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
        depth = ColorDepth(colors: colors ? Int(docket_colors()) : 0, noColor: noColor)
        setUp(theme)
    }

    /// What the terminal shows: true colour, 256, 16, 8 or none.
    public let depth: ColorDepth

    /// Roles to attributes and colour pairs, at the terminal's colour depth.
    func setUp(_ theme: Theme) {
        let bold = Int32(docket_a_bold()), reverse = Int32(docket_a_reverse()), dim = Int32(docket_a_dim()),
            underline = Int32(docket_a_underline())
        for (i, role) in Role.allCases.enumerated() {
            let r = theme.style(role).resolved(for: depth)
            var attr: Int32 = 0
            if r.bold { attr |= bold }
            if r.dim { attr |= dim }
            if r.reverse { attr |= reverse }
            if r.underline { attr |= underline }
            if depth != .none, r.foreground != -1 || r.background != -1 {
                _ = docket_init_pair(Int32(i + 1), Int32(r.foreground), Int32(r.background))
                attr |= Int32(docket_color_pair(Int32(i + 1)))
            }
            attributes[role] = attr
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

    public func dropTypedAhead() {
        _ = flushinp()
    }

    private var timeout = 100

    public func readKey(timeout: Int, idle: Bool) -> Key? {
        if timeout != self.timeout {
            self.timeout = timeout
            _ = docket_timeout(Int32(timeout))
        }
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
