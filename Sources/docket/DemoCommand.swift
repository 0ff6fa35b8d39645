import ArgumentParser
import DocketConfig
import DocketCore
import DocketHTTP
import DocketSandbox
import DocketStore
import DocketTerminal
import Foundation

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Try Docket without a real target: a demo store, the sandbox, and the console.",
        discussion: """
            Makes a demo store of a few thousand varied orders (some each target will refuse, \
            some no longer OPEN), starts the sandbox in this process on a free loopback port, \
            writes a config for its five targets, and opens the console. There, c composes a \
            batch for a target (←/→ picks it) and s sends it to the sandbox; the Batch screen \
            fills in with each order's outcome, / rejected lists the refused ones, Enter opens \
            one to fix it, and R retries what failed. In another terminal the commands in the \
            demo folder's README.txt send batches too, which the Batches screen (b) shows as \
            they run. The demo keeps its store between runs; --fresh starts from the original \
            demo orders again.
            """)

    @Option(help: ArgumentHelp("Where the demo keeps its store and config.", valueName: "folder"))
    var folder: String?

    @Flag(help: "Start from a new demo store.")
    var fresh = false

    @Flag(help: "Set everything up and print how to use it, without opening the console.")
    var noConsole = false

    @OptionGroup var themeOptions: ThemeOptions

    /// This binary's own path: `swift run` does not put `docket` on PATH,
    /// so the README.txt names it whole.
    static func binaryPath() -> String {
        let arg = CommandLine.arguments.first ?? "docket"
        let url = URL(fileURLWithPath: arg, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return (Bundle.main.executablePath ?? url.standardizedFileURL.path)
    }

    func run() async throws {
        do {
            let base = folder ?? ((DocketPaths.defaultStore() as NSString).deletingLastPathComponent + "/demo")
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            let storePath = base + "/demo.sqlite"
            if fresh { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: storePath + suffix) } }
            let store = try SQLiteOrderStore(path: storePath)
            if try store.count(OrderQuery()) == 0 {
                _ = try store.importOrders(DemoData.orders())
            }
            let state = SandboxState()
            try await state.load(DemoData.sandboxState)
            let sandbox = try await SandboxServer.start(state)
            let configPath = base + "/demo.toml"
            // Inline demo secrets: the file is the owner's alone, as Docket requires.
            try Data(SandboxConfig.toml(baseURL: sandbox.baseURL).utf8).write(to: URL(fileURLWithPath: configPath))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: configPath)
            let docket = Self.binaryPath()
            let hint = """
                Demo store: \(storePath) (\(Plural.orders(try store.count(OrderQuery()))))
                Sandbox:    \(sandbox.baseURL) (cropster, centra, mirakl, omnia, dropday)
                Try, in another terminal while this runs (paste the exports once):
                  export DOCKET_STORE='\(storePath)'
                  export DOCKET_CONFIG='\(configPath)'
                  '\(docket)' validate --target mirakl
                  '\(docket)' submit --target omnia
                  '\(docket)' orders --outcome rejected --target omnia
                  '\(docket)' fix --replace 'items[*].productId' RETIRED-33 COL-1KG-WB --target omnia --dry-run
                Start again from the original demo orders: '\(docket)' demo --fresh

                """
            try Data(hint.utf8).write(to: URL(fileURLWithPath: base + "/README.txt"))
            if noConsole {
                FileHandle.standardOutput.write(Data((hint + "Ctrl-C stops the sandbox.\n").utf8))
                await waitForTerminationSignal()
            } else {
                let note = "Demo (--fresh starts over): sandbox at \(sandbox.baseURL); commands to try in \(base)/README.txt"
                let config = try ConfigLoader.load(path: configPath, explicit: true)
                let (theme, themeNote) = try themeOptions.load(config)
                let transport = LazyHTTPTransport()
                do {
                    try Console.run(store: store, composer: BatchComposer(config: config, store: store, transport: transport), theme: theme,
                                    message: themeNote ?? note)
                } catch let e as TerminalError {
                    await transport.shutdown()
                    await sandbox.stop()
                    throw DocketError(e.description)
                }
                await transport.shutdown()
                FileHandle.standardOutput.write(Data(hint.utf8))
            }
            await sandbox.stop()
        } catch let e as DocketError {
            printError(e.description)
            throw ExitCode.failure
        }
    }
}

/// The demo's orders and what its sandbox targets already hold.
enum DemoData {
    static func orders() -> [Order] {
        var g = OrderGenerator(seed: 2026)
        var orders: [Order] = []
        for i in 0..<3000 {
            var o = g.order(i, prefix: "DEMO-")
            switch i % 50 {
            case 7: o.status = .closed
            case 13: o.status = .cancelled
            case 21: o.items[0].quantity = 0                         // every target refuses it
            case 29: o.customer?.email = nil; o.billingAddress?.email = nil; o.shippingAddress?.email = nil   // Centra needs an email
            case 33:                                                 // not in Omnia's contract
                let retired = i / 50 % 2 == 0 ? "RETIRED-33" : "RETIRED-41"
                o.items[0].sku = retired
                o.items[0].productId = retired
            case 41: o.currency = "EURO"                             // not ISO 4217
            default: break
            }
            orders.append(o)
        }
        // And a few in the vendors' fuller shapes; they are part of the demo,
        // so a failure to read them is a bug here, not a user's problem.
        return orders + ((try? DemoVendorOrders.orders()) ?? [])
    }

    /// Cropster already has some orders in fulfilment; Omnia's contract knows
    /// the generator's products (not the retired ones).
    static var sandboxState: JSONValue {
        let products = OrderGenerator.productCodes.map { JSONValue.string($0) }
        let processing = stride(from: 3, to: 3000, by: 97).map { i -> JSONValue in
            ["externalId": .string(String(format: "DEMO-%07d", i)), "status": "PROCESSING"]
        }
        return ["cropster": ["orders": .array(processing)],
                "omnia": ["contracts": [.init(stringLiteral: SandboxConfig.contract): ["products": .array(products)]]]]
    }
}
