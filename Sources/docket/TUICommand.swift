import ArgumentParser
import DocketCore
import DocketHTTP
import DocketStore
import DocketTerminal
import Foundation

struct TUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the console on the store (what plain `docket` does).",
        discussion: """
            Browse every order (it scrolls a million without loading them), / to search by \
            external id, customer or SKU, : for filters and sort (:status OPEN, :outcome rejected, \
            :sort date desc), Enter to open an order and Enter again to edit a field of an OPEN \
            one (s saves), m to mark orders and c to compose a batch of them for a target, b for \
            the batches with every outcome, request and response, ? for the keys of each \
            screen, q to quit.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var themeOptions: ThemeOptions

    func run() throws {
        try reportingErrors {
            let config = try common.loadConfig()
            let (theme, note) = try themeOptions.load(config)
            let store = try common.openStore(config: config)
            // One HTTP client for every batch and lookup the console starts.
            let transport = LazyHTTPTransport()
            defer { transport.shutdownNow() }
            do {
                try Console.run(store: store, composer: BatchComposer(config: config, store: store, transport: transport), theme: theme, message: note)
            } catch let e as TerminalError {
                throw DocketError(e.description)
            }
        }
    }
}
