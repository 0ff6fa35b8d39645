import DocketCore
import Foundation

/// A one-line progress bar on stderr while a batch goes out: only on a
/// terminal, at most ten redraws a second, gone when the batch is done.
final class ProgressBar: @unchecked Sendable {
    let enabled: Bool
    private let lock = NSLock()
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private var drawn = false

    init(enabled: Bool) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    func show(_ p: BatchProgress) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        guard now - lastDraw > .milliseconds(100) || p.settled == p.total else { return }
        lastDraw = now
        drawn = true
        let width = 24
        let filled = p.total > 0 ? width * p.settled / p.total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        var line = "[\(bar)] \(p.settled)/\(p.total) orders, \(p.requests) requests, \(Int(p.ordersPerSecond)) orders/s"
        if let left = p.secondsLeft, p.settled < p.total { line += ", \(Int(left.rounded(.up))) s left" }
        if let pace = p.pace { line += " · \(pace.text)" }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
    }

    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
