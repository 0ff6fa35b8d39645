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

    /// Waits until the screen shows `text` (the console draws asynchronously).
    func wait(for text: String, timeout: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("the screen never showed \"\(text)\":\n\(last)")
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
        let command = "DOCKET_STORE='\(docket.storePath)' XDG_CONFIG_HOME='\(docket.path("config"))' '\(DocketBinary.url.path)'; echo CONSOLE-EXITED-$?; sleep 5"
        try tmux.run("new-session", "-d", "-s", tmux.session, "-x", "120", "-y", "35", command)
        defer { _ = try? tmux.run("kill-server") }

        var screen = try tmux.wait(for: "2001 orders")
        #expect(screen.contains("ORD-0000000"))
        #expect(screen.contains("? help"))
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
        screen = try tmux.wait(for: "Order ORD-0001234")
        #expect(screen.contains("items[0].sku"))

        try tmux.run("resize-window", "-t", tmux.session, "-x", "24", "-y", "6")
        screen = try tmux.wait(for: "too small")
        try tmux.run("resize-window", "-t", tmux.session, "-x", "120", "-y", "35")
        screen = try tmux.wait(for: "Order ORD-0001234")
        try tmux.keys("Escape")
        screen = try tmux.wait(for: "EXTERNAL ID")
        try tmux.keys("q")
        screen = try tmux.wait(for: "CONSOLE-EXITED-0")
    }
}
