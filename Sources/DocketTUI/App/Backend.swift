import Foundation

/// Where the console's frames go and its keys come from: ncurses on a
/// terminal, or a `TestBackend` that records every frame.
public protocol Backend: AnyObject {
    var size: (width: Int, height: Int) { get }
    func draw(_ grid: Grid)
    /// The next key, or nil when none came within `timeout` milliseconds.
    /// `idle`: no effect is running (a test's script waits for that).
    func readKey(timeout: Int, idle: Bool) -> Key?
    /// Drops every key typed but not yet read: a question just drawn must
    /// not be answered by keys typed before anyone could see it.
    func dropTypedAhead()
    /// Nothing more will come (a test's script ran out).
    var finished: Bool { get }
}

extension Backend {
    public var finished: Bool { false }
}

/// A backend for tests: a script of keys, each given once the console is
/// idle (every effect of the keys before it has come back), and every frame
/// drawn, in order.
public final class TestBackend: Backend {
    public private(set) var frames: [Grid] = []
    var script: [Key]
    let width: Int
    let height: Int

    public init(width: Int, height: Int, keys: [Key]) {
        self.width = width
        self.height = height
        script = keys
    }

    public var size: (width: Int, height: Int) { (width, height) }
    public func draw(_ grid: Grid) { frames.append(grid) }
    public func readKey(timeout: Int, idle: Bool) -> Key? {
        guard idle, !script.isEmpty else {
            if !idle { Thread.sleep(forTimeInterval: 0.001) }
            return nil
        }
        return script.removeFirst()
    }
    public func dropTypedAhead() {}
    public var finished: Bool { script.isEmpty }
    public var lastFrame: Grid? { frames.last }
}
