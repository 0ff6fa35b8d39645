import DocketCore
import Foundation
import Testing

/// The real binary in tmux, as a person would use it. Each test has its own
/// tmux server (`-L`), so no other tmux on the machine is touched.
struct Tmux {
    let session = "docket-\(UUID().uuidString.prefix(8))"

    /// Runs tmux with every inherited descriptor above stderr closed: the
    /// tmux server forks from the first client and would otherwise keep
    /// Foundation's process-exit pipe (and the test's output) open forever.
    @discardableResult
    func run(_ args: String...) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        let quoted = args.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        p.arguments = ["-c", "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\"; done 2>/dev/null; exec tmux -L \(session) \(quoted)"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func screen() throws -> String { try run("capture-pane", "-t", session, "-p") }
    /// The screen with its colour and attribute escapes, as tmux holds it.
    func styledScreen() throws -> String { try run("capture-pane", "-t", session, "-p", "-e") }

    /// Starts `command` in a new session of this server, at a size.
    func start(_ command: String, width: Int = 120, height: Int = 35) throws {
        try run("new-session", "-d", "-s", session, "-x", String(width), "-y", String(height), command)
    }

    /// Waits until the screen shows `text` (the console draws asynchronously).
    /// Waits until every text is on screen at once: a capture can land while
    /// ncurses is still drawing, so one text is not proof of the rest.
    func wait(for texts: String..., timeout: Double = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if texts.allSatisfy(last.contains) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("the screen never showed \(texts.map { "\"\($0)\"" }.joined(separator: ", ")):\n\(last)")
        return last
    }

    func keys(_ keys: String...) throws { for k in keys { try run("send-keys", "-t", session, k) } }
}

@Suite(.serialized) struct ConsoleTmuxTests {
    @Test func browseSearchOpenResizeAndQuit() throws {
        let docket = try DocketBinary()
        var lines: [String] = []
        var g = OrderGenerator(seed: 8)
        for i in 0..<2000 { lines.append(JSONWriter.string(CanonicalCodec.encode(g.order(i)))) }
        lines.append(#"{"externalId":"EVIL-1","customer":{"name":"Evil\u001b]0;pwned\u0007"},"items":[]}"#)
        try docket.run("import", try docket.write("orders.jsonl", lines.joined(separator: "\n")))
        let tmux = Tmux()
        // After the console, the shell's terminal must be as it was: line
        // editing (icanon) and echo back on.
        let command = "DOCKET_STORE='\(docket.storePath)' XDG_CONFIG_HOME='\(docket.path("config"))' '\(DocketBinary.url.path)'; "
            + "echo CONSOLE-EXITED-$?; echo TTY-$(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e echo | tr '\\n' '-'); sleep 5"
        try tmux.run("new-session", "-d", "-s", tmux.session, "-x", "120", "-y", "35", command)
        defer { _ = try? tmux.run("kill-server") }

        var screen = try tmux.wait(for: "2001 orders", "ORD-0000000", "? help")
        #expect(screen.contains("Evil\\u{1B}]0;pwned\\u{7}"))
        #expect(!(try tmux.run("display-message", "-p", "-t", tmux.session, "#{pane_title}")).contains("pwned"))

        try tmux.keys("?")
        screen = try tmux.wait(for: "Keys: Orders")
        try tmux.keys("Escape")
        try tmux.keys("/")
        try tmux.keys("ORD-0001234")
        try tmux.keys("Enter")
        screen = try tmux.wait(for: "1 order  search: ORD-0001234")
        try tmux.keys("Enter")
        screen = try tmux.wait(for: "Order ORD-0001234", "items[0].sku")

        try tmux.run("resize-window", "-t", tmux.session, "-x", "24", "-y", "6")
        screen = try tmux.wait(for: "too small")
        try tmux.run("resize-window", "-t", tmux.session, "-x", "120", "-y", "35")
        screen = try tmux.wait(for: "Order ORD-0001234")
        try tmux.keys("Escape")
        screen = try tmux.wait(for: "EXTERNAL ID")
        try tmux.keys("q")
        screen = try tmux.wait(for: "CONSOLE-EXITED-0")
        screen = try tmux.wait(for: "TTY-icanon-echo-")
    }

    /// The console's command in a shell that reports how it ended.
    static func console(_ docket: DocketBinary, _ arguments: String = "", environment: String = "") -> String {
        "\(environment) TERM=xterm-256color DOCKET_STORE='\(docket.storePath)' XDG_CONFIG_HOME='\(docket.path("config"))' "
            + "'\(DocketBinary.url.path)' \(arguments); echo CONSOLE-EXITED-$?; sleep 5"
    }

    @Test func editAnOrderAndSaveIt() throws {
        let docket = try DocketBinary()
        var g = OrderGenerator(seed: 5)
        let lines = (0..<50).map { JSONWriter.string(CanonicalCodec.encode(g.order($0))) }
        try docket.run("import", try docket.write("orders.jsonl", lines.joined(separator: "\n")))
        let tmux = Tmux()
        try tmux.start(Self.console(docket))
        defer { _ = try? tmux.run("kill-server") }
        _ = try tmux.wait(for: "50 orders")
        try tmux.keys(":")
        try tmux.keys("open ORD-0000005", "Enter")
        _ = try tmux.wait(for: "Order ORD-0000005  OPEN  version 1")
        try tmux.keys("/")
        try tmux.keys("customer.name", "Enter")
        try tmux.keys("Enter", "C-u")
        try tmux.keys("Zoë 王 Edited", "Enter")
        _ = try tmux.wait(for: "1 change not saved")
        try tmux.keys("s")
        // The diff first: only y saves.
        _ = try tmux.wait(for: "Saving changes 1 field of version 1", "customer.name:", "→ \"Zoë 王 Edited\"")
        try tmux.keys("y")
        _ = try tmux.wait(for: "Saved 1 change: ORD-0000005 is now version 2")
        try tmux.keys("Escape", "q")
        _ = try tmux.wait(for: "CONSOLE-EXITED-0")
        let shown = try docket.run("order", "show", "ORD-0000005", "--json")
        #expect(shown.stdout.contains("Zoë 王 Edited"))
        #expect(shown.stdout.contains("\"version\":2") || shown.stdout.contains("\"version\": 2"))
    }

    /// Two processes edit one order: the console's save, made on the
    /// version it read, is refused once another process saved first, and
    /// nothing typed is lost. On both stores: the console runs once on
    /// PostgreSQL here.
    @Test(arguments: CLIStore.allCases)
    func aSaveAfterAnotherProcessSavedIsRefusedWithNothingLost(store: CLIStore) throws {
        guard let docket = try store.binary() else { return }
        var g = OrderGenerator(seed: 6)
        let lines = (0..<20).map { JSONWriter.string(CanonicalCodec.encode(g.order($0))) }
        let imported = try docket.run("import", try docket.write("orders.jsonl", lines.joined(separator: "\n")))
        #expect(imported.status == 0, "\(imported.stderr)")
        let tmux = Tmux()
        try tmux.start(Self.console(docket))
        defer { _ = try? tmux.run("kill-server") }
        _ = try tmux.wait(for: "20 orders")
        try tmux.keys(":")
        try tmux.keys("open ORD-0000003", "Enter")
        _ = try tmux.wait(for: "Order ORD-0000003  OPEN  version 1")
        try tmux.keys("/")
        try tmux.keys("currency", "Enter")
        try tmux.keys("Enter", "C-u")
        try tmux.keys("SEK", "Enter")
        _ = try tmux.wait(for: "1 change not saved")
        // Meanwhile another process saves the same order.
        let other = try docket.run("fix", "--set", "currency=NOK", "--ids", "ORD-0000003")
        #expect(other.status == 0, "\(other.stderr)")
        try tmux.keys("s")
        _ = try tmux.wait(for: "Saving changes 1 field of version 1")
        try tmux.keys("y")
        _ = try tmux.wait(for: "someone else saved this order (now version 2)")
        // Nothing typed is lost: u puts it on top of theirs, and it saves.
        try tmux.keys("u")
        _ = try tmux.wait(for: "Your changes are now on top of version 2")
        try tmux.keys("s")
        _ = try tmux.wait(for: "of version 2")
        try tmux.keys("y")
        _ = try tmux.wait(for: "Saved 1 change: ORD-0000003 is now version 3")
        try tmux.keys("Escape", "q")
        _ = try tmux.wait(for: "CONSOLE-EXITED-0")
        let shown = try docket.run("order", "show", "ORD-0000003", "--json")
        #expect(shown.stdout.contains("\"SEK\""))
    }

    /// Another process imports while the console shows the orders: the
    /// table follows. On PostgreSQL by its notification (the console then
    /// polls only every 30 s, so within the wait below it was the
    /// notification); on SQLite by polling.
    @Test(arguments: CLIStore.allCases)
    func theConsoleFollowsAnotherProcessesWrites(store: CLIStore) throws {
        guard let docket = try store.binary() else { return }
        var g = OrderGenerator(seed: 12)
        try docket.run("import", try docket.write("a.jsonl", (0..<5).map { JSONWriter.string(CanonicalCodec.encode(g.order($0))) }.joined(separator: "\n")))
        let tmux = Tmux()
        try tmux.start(Self.console(docket))
        defer { _ = try? tmux.run("kill-server") }
        _ = try tmux.wait(for: "5 orders")
        Thread.sleep(forTimeInterval: 1)
        try docket.run("import", try docket.write("b.jsonl", (5..<12).map { JSONWriter.string(CanonicalCodec.encode(g.order($0))) }.joined(separator: "\n")))
        _ = try tmux.wait(for: "12 orders", "ORD-0000011", timeout: 10)
        try tmux.keys("q")
        _ = try tmux.wait(for: "CONSOLE-EXITED-0")
    }

    @Test func theDemoSendsABatchComposedInTheConsoleToItsSandbox() throws {
        let docket = try DocketBinary()
        let tmux = Tmux()
        try tmux.start(Self.console(docket, "demo --folder '\(docket.path("demo"))'"), width: 120, height: 35)
        defer { _ = try? tmux.run("kill-server") }
        let first = try tmux.wait(for: "3005 orders", timeout: 30)
        #expect(first.contains("Demo (--fresh starts over)"), "the first status line names --fresh")
        try tmux.keys(":")
        try tmux.keys("compose omnia", "Enter")
        var screen = try tmux.wait(for: "not yet at omnia", "local validation")
        // s asks first, naming the target; a y typed ahead of the question
        // (in the same keystrokes) does not answer it.
        try tmux.keys("sy")
        screen = try tmux.wait(for: "to omnia (Omnia Retail)? y sends")
        Thread.sleep(forTimeInterval: 0.5)
        screen = try tmux.screen()
        #expect(screen.contains("to omnia (Omnia Retail)? y sends"))
        #expect(!screen.contains("Batch B"))
        try tmux.keys("y")
        screen = try tmux.wait(for: "Batch B")
        // Wait for the batch to finish: its outcomes fill in as answers arrive.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !screen.contains("finished") || !screen.contains("accepted") {
            Thread.sleep(forTimeInterval: 0.3)
            screen = try tmux.screen()
        }
        #expect(screen.contains("to omnia (Omnia Retail)"))
        #expect(screen.contains("finished") && !screen.contains("sending"))
        #expect(screen.contains("accepted"))
        #expect(screen.contains("skipped"))
        // The refused ones: the sandbox's own words, by canonical field.
        try tmux.keys("/")
        try tmux.keys("rejected", "Enter")
        // Omnia names only the item id; Docket puts it on the field it came from.
        screen = try tmux.wait(for: "filter: rejected", "items[0].productId", "The itemId RETIRED-")
        try tmux.keys("Tab", "Enter")
        // The request view jumps to the response with r, past the body.
        screen = try tmux.wait(for: "Request 1, attempt 1")
        try tmux.keys("r")
        screen = try tmux.wait(for: "Response: HTTP")
        // Back: the request, the filter cleared, the batches, the orders; q quits there.
        try tmux.keys("Escape", "Escape", "Escape", "Escape", "q")
        _ = try tmux.wait(for: "CONSOLE-EXITED-0", timeout: 15)
    }

    /// What support staff do with a batch's refusals: group them by cause,
    /// fix the group at once, send only those again, and the group is gone.
    @Test func fixAGroupOfRefusalsAndSendItAgain() throws {
        let docket = try DocketBinary()
        let tmux = Tmux()
        try tmux.start(Self.console(docket, "demo --folder '\(docket.path("demo"))'"), width: 140, height: 40)
        defer { _ = try? tmux.run("kill-server") }
        let first = try tmux.wait(for: "3005 orders", timeout: 30)
        #expect(first.contains("Demo (--fresh starts over)"), "the first status line names --fresh")
        try tmux.keys(":")
        try tmux.keys("compose omnia", "Enter")
        _ = try tmux.wait(for: "not yet at omnia")
        try tmux.keys("s")
        _ = try tmux.wait(for: "? y sends")
        try tmux.keys("y")
        _ = try tmux.wait(for: "finished", "rejected", timeout: 60)
        try tmux.keys("e")
        var screen = try tmux.wait(for: "Errors of batch", "items[*].productId", "itemId … does not correspond")
        // The filter narrows the groups as it is typed; Enter keeps it.
        try tmux.keys("/")
        try tmux.keys("does not correspond", "Enter")
        screen = try tmux.wait(for: "filter: does not correspond (1)")
        try tmux.keys("m")
        screen = try tmux.wait(for: "1 marked (60 orders)")
        for retired in ["RETIRED-33", "RETIRED-41"] {
            try tmux.keys(":")
            try tmux.keys("replace items[*].productId \(retired) COL-1KG-WB", "Enter")
            screen = try tmux.wait(for: "Fix preview", "30 orders would change", "\"\(retired)\" → \"COL-1KG-WB\"", "✓ passes omnia")
            try tmux.keys("y")
            screen = try tmux.wait(for: "Saved 30 orders")
        }
        // The group's orders, and a batch of exactly them.
        try tmux.keys("Enter")
        screen = try tmux.wait(for: "60 orders  group: items[*].productId")
        try tmux.keys("c")
        screen = try tmux.wait(for: "60 OPEN orders in the current view not yet at omnia")
        try tmux.keys("s")
        _ = try tmux.wait(for: "Send 60 orders to omnia (Omnia Retail)? y sends")
        try tmux.keys("y")
        screen = try tmux.wait(for: "60 orders: 60 accepted", "finished", timeout: 60)
        // Every order's failures now: the retired products' group is gone.
        try tmux.keys(":")
        try tmux.keys("clear", "Enter")
        try tmux.keys("e")
        // The other causes are still there (loaded, not loading).
        screen = try tmux.wait(for: "Errors of every order", "items[*].quantity", "currency")
        #expect(!screen.contains("loading"))
        #expect(!screen.contains("does not correspond"))
        try tmux.keys("Escape", "q")
        _ = try tmux.wait(for: "CONSOLE-EXITED-0", timeout: 15)
    }

    @Test func themesColourTheScreenAndNoColorKeepsAttributesOnly() throws {
        let docket = try DocketBinary()
        try docket.run("import", try docket.write("o.jsonl", JSONWriter.string(CanonicalCodec.encode(Order(externalId: "T-1")))))
        // Explicit either way: the test runner may pass NO_COLOR down.
        for (environment, theme) in [("env -u NO_COLOR", "light"), ("env NO_COLOR=1", "light")] {
            let tmux = Tmux()
            try tmux.start(Self.console(docket, "--theme \(theme)", environment: environment), width: 80, height: 12)
            defer { _ = try? tmux.run("kill-server") }
            _ = try tmux.wait(for: "1 order")
            let styled = try tmux.styledScreen()
            if environment.contains("-u") {
                // light.toml's selection, #afd7ff, is xterm colour 153.
                #expect(styled.contains("48;5;153"))
            } else {
                #expect(!styled.contains("48;5;") && !styled.contains("38;5;"))
                #expect(styled.contains(";7m") || styled.contains("[7m"))
            }
            try tmux.keys("q")
            _ = try tmux.wait(for: "CONSOLE-EXITED-0")
        }
        let wrong = try docket.run("tui", "--theme", "nope")
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("there is no theme \"nope\""))
        // theme = in the config is what the console uses without --theme.
        try FileManager.default.createDirectory(atPath: docket.path("config/docket"), withIntermediateDirectories: true)
        _ = try docket.write("config/docket/config.toml", "theme = \"solarized-ish\"\n")
        let fromConfig = try docket.run("tui")
        #expect(fromConfig.status == 1)
        #expect(fromConfig.stderr.contains("there is no theme \"solarized-ish\""))
        #expect(fromConfig.stderr.contains("config/docket/themes/solarized-ish.toml"))
    }

    /// SIGTERM ends the console as q does; a crash (SIGSEGV here, with
    /// Swift's backtracer off so the default action follows) ends ncurses
    /// before the process dies. Either way the shell gets its terminal back.
    @Test(arguments: ["TERM", "SEGV"])
    func aSignalOrACrashRestoresTheTerminal(signal: String) throws {
        let docket = try DocketBinary()
        try docket.run("import", try docket.write("o.jsonl", JSONWriter.string(CanonicalCodec.encode(Order(externalId: "SIG-1")))))
        let tmux = Tmux()
        try tmux.start(Self.console(docket, environment: "SWIFT_BACKTRACE=enable=no").replacingOccurrences(of: "; sleep 5", with:
            "; echo TTY-$(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e echo | tr '\\n' '-'); sleep 5"), width: 80, height: 12)
        defer { _ = try? tmux.run("kill-server") }
        _ = try tmux.wait(for: "1 order")
        // The docket process is the shell's child in the pane.
        let shell = try tmux.run("display-message", "-p", "-t", tmux.session, "#{pane_pid}").trimmingCharacters(in: .whitespacesAndNewlines)
        let kill = Process()
        kill.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
        kill.arguments = ["-\(signal)", "-P", shell]
        try kill.run()
        kill.waitUntilExit()
        #expect(kill.terminationStatus == 0)
        _ = try tmux.wait(for: signal == "SEGV" ? "CONSOLE-EXITED-139" : "CONSOLE-EXITED-0")
        _ = try tmux.wait(for: "TTY-icanon-echo-")
    }
}
