import DocketCore
import DocketTUI
import Foundation

/// Runs the console on the terminal until the user quits or a
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
        let (w, h) = backend.size
        var state = AppState(width: w, height: h, query: query)
        state.message = message
        let loop = EventLoop(backend: backend, runner: EffectRunner(store: store, composer: composer))
        if let frames = FrameLog(path: ProcessInfo.processInfo.environment["DOCKET_FRAME_LOG"]) {
            loop.frameLog = { frames.write($0, $1) }
        }
        loop.run(state, stop: { stop.isSet })
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
