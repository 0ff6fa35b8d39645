import ArgumentParser
import DocketCore
import DocketStore
import DocketTerminal
import Foundation

struct TUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the console on the store (what plain `docket` does).",
        discussion: """
            Browse every order (it scrolls a million without loading them), / to search by \
            external id, customer or SKU, Enter to open an order, ? for the keys of each \
            screen, q to quit. NO_COLOR is honoured.
            """)

    @OptionGroup var common: CommonOptions

    func run() throws {
        try reportingErrors {
            let config = try common.loadConfig()
            let store = try SQLiteOrderStore(path: common.storePath)
            do {
                try Console.run(store: store, composer: ConsoleComposer(config: config, store: store))
            } catch let e as TerminalError {
                throw DocketError(e.description)
            }
        }
    }
}
