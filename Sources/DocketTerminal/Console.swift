import DocketCore
import DocketTUI
import Foundation

/// Runs the console: draw, read a key, reduce, until the user quits or a
/// SIGTERM/SIGHUP arrives; the terminal is restored on every way out.
public enum Console {
    /// `message` shows in the status bar until the first key.
    public static func run(store: any OrderStoring, composer: (any Composer)? = nil, query: OrderQuery = OrderQuery(),
                           theme: Theme = .fallback, message: String? = nil) throws {
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
        var idle = ContinuousClock.now
        while !state.quit && !stop.isSet {
            backend.draw(Render.draw(state))
            if let key = backend.readKey() {
                runner.apply(.key(key), to: &state)
                idle = ContinuousClock.now
            } else if ContinuousClock.now - idle > (state.screen == .batch ? .milliseconds(500) : .seconds(2)) {
                // Other docket processes may have written to the store.
                runner.apply(.tick, to: &state)
                idle = ContinuousClock.now
            }
        }
    }
}

final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
