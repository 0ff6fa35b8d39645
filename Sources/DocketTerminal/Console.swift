import DocketCore
import DocketTUI
import Foundation

/// Runs the console: draw, read a key, reduce, until the user quits or a
/// SIGTERM/SIGHUP arrives; the terminal is restored on every way out.
public enum Console {
    /// `message` shows in the status bar until the first key.
    public static func run(store: any OrderStoring, composer: (any Composer)? = nil, query: OrderQuery = OrderQuery(),
                           theme: Theme = .fallback, message: String? = nil) throws {
        let began = ContinuousClock.now
        let backend = try NCursesBackend(theme: theme)
        defer { backend.end() }
        let stop = StopFlag()
        let sources = [SIGTERM, SIGHUP, SIGINT].map { sig -> any DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stop.set() }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        let runner = EffectRunner(store: store, composer: composer)
        let (w, h) = backend.size
        var state = AppState(width: w, height: h, query: query)
        runner.start(&state)
        if let message { state.message = message }
        let frames = FrameLog(path: ProcessInfo.processInfo.environment["DOCKET_FRAME_LOG"])
        var idle = ContinuousClock.now
        var lastTick = Duration.zero
        backend.draw(Render.draw(state))
        frames?.write("first", ContinuousClock.now - began)
        while !state.quit && !stop.isSet {
            if let key = backend.readKey() {
                let start = ContinuousClock.now
                let kind = FrameLog.kind(of: key, in: state)
                let asking = state.confirmSend
                runner.apply(.key(key), to: &state)
                backend.draw(Render.draw(state))
                // Keys typed ahead of a question never answer it.
                if state.confirmSend && !asking { backend.dropTypedAhead() }
                frames?.write(kind, ContinuousClock.now - start)
                idle = ContinuousClock.now
            } else if ContinuousClock.now - idle > max(state.screen == .batch ? .milliseconds(500) : .seconds(2), lastTick * 20) {
                // Other docket processes may have written to the store. A
                // slow reload (a filter no index serves, on a million orders)
                // comes less often, so keys stay quick.
                let start = ContinuousClock.now
                runner.apply(.tick, to: &state)
                lastTick = ContinuousClock.now - start
                idle = ContinuousClock.now
                backend.draw(Render.draw(state))
            }
        }
    }
}

/// With DOCKET_FRAME_LOG=FILE, the console writes how long each key took
/// from being read to its frame being on the terminal (`kind ms` lines):
/// what docket-bench measures the console's speed by.
final class FrameLog {
    let handle: FileHandle

    init?(path: String?) {
        guard let path, !path.isEmpty, FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else { return nil }
        self.handle = handle
    }

    static func kind(of key: Key, in state: AppState) -> String {
        if state.searchInput != nil || state.commandInput != nil { return key == .enter ? "search" : "typing" }
        switch key {
        case .up, .down, .char("j"), .char("k"): return "scroll"
        case .pageUp, .pageDown: return "page"
        case .home, .end, .char("g"), .char("G"): return "jump"
        default: return "other"
        }
    }

    func write(_ kind: String, _ elapsed: Duration) {
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        handle.write(Data("\(kind) \(ms)\n".utf8))
    }
}

final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
