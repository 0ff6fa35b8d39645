import ArgumentParser
import CMallocArenas
import DocketCore
import Foundation

@main
struct Docket: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docket",
        abstract: "Find, fix and resubmit orders that order-import APIs refused.",
        discussion: """
            Docket keeps orders in a store (an SQLite file, or a team's PostgreSQL \
            database) and speaks five bulk order APIs: Cropster, Centra, Mirakl Connect, \
            Omnia Retail and Dropday.

            Start by importing orders, then list and inspect them:
              docket import orders.json
              docket orders --status OPEN --search ETH-250G
              docket order show PRC-ORD-101
              docket validate --target omnia
              docket submit --target omnia --json
              docket export --format omnia --ids PRC-ORD-101 > body.json

            Fix what a target refused, many orders at once, and see who changed what:
              docket fix --replace 'items[*].productId' OLD-SKU NEW-SKU --outcome failed --dry-run
              docket order history PRC-ORD-101

            To rehearse against local copies of the five APIs:
              docket sandbox --print-config > sandbox.toml && chmod 600 sandbox.toml
              docket sandbox &
              docket submit --config sandbox.toml --target cropster

            Every command takes --store PATH-OR-URL (or DOCKET_STORE; \
            postgresql://USER@HOST/DB for a team) and --config PATH (or DOCKET_CONFIG). Exit status: 0 done, 1 the command failed, 2 some \
            orders did not make it.
            """,
        version: "0.1.0",
        subcommands: [TUI.self, Demo.self, Import.self, Orders.self, OrderCommand.self, Validate.self, Submit.self, Resume.self, Reconcile.self, Fix.self, StoreCommand.self, Prune.self, Batches.self, BatchCommand.self, Export.self, Targets.self, Sandbox.self, TerminalInfo.self],
        defaultSubcommand: TUI.self
    )

    /// Bad arguments exit with 1 like any other failure of the command
    /// (PRODUCT.md), not argument parser's 64: scripts check 0, 1 and 2.
    static func main() async {
        // glibc gives each thread that allocates an arena of its own, and
        // keeps what they free; with NIO's, the journal's and Swift's
        // threads a long send held a third more memory than it used. Two
        // arenas cost nothing measurable here.
        docket_limit_malloc_arenas(2)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success || code.rawValue == 1 || code.rawValue == 2 { exit(withError: error) }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(1)
        }
    }
}
