import CNCurses
import Foundation

/// What ncurses makes of the terminal Docket runs in.
public struct TerminalInfo: Sendable, Equatable {
    public var columns: Int
    public var lines: Int
    public var colors: Int
    public var term: String
    public var noColor: Bool
}

public enum TerminalProbeResult: Sendable {
    case success(TerminalInfo)
    case failure(String)
}

public enum TerminalProbe {
    /// Starts ncurses on the controlling terminal just long enough to read
    /// its size and colours, then restores it.
    public static func probe() -> TerminalProbeResult {
        let env = ProcessInfo.processInfo.environment
        let term = env["TERM"] ?? ""
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            return .failure("standard input and output must be a terminal to measure it")
        }
        guard !term.isEmpty else { return .failure("TERM is not set, so the terminal's kind is unknown") }
        setlocale(LC_ALL, "")
        guard let screen = docket_newterm() else {
            return .failure("ncurses does not know the terminal type \"\(term)\" (is its terminfo entry installed?)")
        }
        let window = docket_stdscr()
        let lines = Int(getmaxy(window))
        let cols = Int(getmaxx(window))
        var colors = 0
        if has_colors() {
            start_color()
            colors = Int(docket_colors())
        }
        endwin()
        delscreen(screen)
        return .success(TerminalInfo(columns: cols, lines: lines, colors: colors, term: term, noColor: env["NO_COLOR"].map { !$0.isEmpty } ?? false))
    }
}
