/// One key of a screen as a value: the keys that trigger it, how help and
/// the status bar name it, when it works, and what it does. The key
/// handler dispatches on these tables and `?`, the status bar and the
/// README's key tables are drawn from them, so what a key does and what
/// its help says cannot drift apart.
public struct KeyBinding: Sendable {
    public let keys: [Key]
    /// How the keys are written (`↑↓ j k`, `Enter`).
    public let label: String
    /// The help line.
    public let help: String
    /// The status bar's word for it; nil keeps it out of the bar (help
    /// still lists it).
    public let bar: String?
    /// Any key this accepts besides `keys` (typing into a prompt).
    let accepts: (@Sendable (Key) -> Bool)?
    let when: @Sendable (AppState) -> Bool
    let run: @Sendable (inout AppState, Key) -> [Effect]

    public init(_ keys: [Key], _ label: String, _ help: String, bar: String? = nil,
                accepts: (@Sendable (Key) -> Bool)? = nil,
                when: @escaping @Sendable (AppState) -> Bool = { _ in true },
                run: @escaping @Sendable (inout AppState, Key) -> [Effect]) {
        self.keys = keys
        self.label = label
        self.help = help
        self.bar = bar
        self.accepts = accepts
        self.when = when
        self.run = run
    }

    public func matches(_ key: Key) -> Bool { keys.contains(key) || (accepts?(key) ?? false) }
    public func enabled(in s: AppState) -> Bool { when(s) }
}

/// A screen's keys, in the order help lists them.
public struct KeyTable: Sendable {
    public let title: String
    public let bindings: [KeyBinding]

    public init(_ title: String, _ bindings: [KeyBinding]) {
        self.title = title
        self.bindings = bindings
    }

    /// The binding that handles `key` now, if any.
    public func binding(for key: Key, in s: AppState) -> KeyBinding? {
        bindings.first { $0.matches(key) && $0.enabled(in: s) }
    }

    /// Runs the key's binding; nil when this table has none for it.
    func dispatch(_ s: inout AppState, _ key: Key) -> [Effect]? {
        guard let b = binding(for: key, in: s) else { return nil }
        return b.run(&s, key)
    }

    public func enabled(in s: AppState) -> [KeyBinding] { bindings.filter { $0.enabled(in: s) } }
}

extension Key {
    /// Printable text a prompt or field takes.
    var typedCharacter: Character? {
        guard case .char(let c) = self, !c.isNewline, c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return nil }
        return c
    }

    /// How help writes the key.
    var name: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Backspace"
        case .tab: "Tab"
        case .resize: "resize"
        }
    }

    static let ctrlC = Key.char("\u{3}")
    static let ctrlU = Key.char("\u{15}")
    /// The moves every list shares.
    static let moves: [Key] = [.up, .down, .char("j"), .char("k")]
    static let pages: [Key] = [.pageUp, .pageDown, .char(" ")]
    static let jumps: [Key] = [.home, .end, .char("g"), .char("G")]
}

/// A rectangle of the screen a component draws in: its sizes come from
/// here, never from the terminal's.
public struct Rect: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
}
