import ArgumentParser
import DocketTerminal

struct TerminalInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terminal",
        abstract: "Show the terminal's size and colours as the console will see them.",
        discussion: "Useful when the console looks wrong: it reports what ncurses makes of $TERM and this window.")

    func run() throws {
        switch TerminalProbe.probe() {
        case .success(let info):
            print("\(info.columns)x\(info.lines) (\(info.columns) columns, \(info.lines) lines), TERM=\(info.term), \(info.colors) colours\(info.noColor ? ", NO_COLOR set" : "")")
        case .failure(let message):
            printError(message)
            throw ExitCode.failure
        }
    }
}
