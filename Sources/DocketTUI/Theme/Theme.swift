/// How each semantic role looks: the screens say what a cell is, the theme
/// says how it is drawn. Themes are TOML files (see `themes/`); this is
/// what they read into.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var styles: [Role: Style]

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    public func style(_ role: Role) -> Style {
        if let style = styles[role] { return style }
        // A theme written before help listed greyed keys: its help, dimmed.
        if role == .helpOff, var help = styles[.help] { help.dim = true; return help }
        return Style()
    }

    /// Used when no theme file can be found: attributes only, readable on
    /// any terminal.
    public static let fallback = Theme(name: "fallback", styles: [
        .header: Style(bold: true), .selection: Style(reverse: true), .statusBar: Style(reverse: true),
        .statusKey: Style(bold: true, reverse: true), .title: Style(bold: true), .dim: Style(dim: true),
        .error: Style(bold: true), .help: Style(reverse: true), .helpOff: Style(dim: true, reverse: true), .outcomeRejected: Style(bold: true),
        .fieldChanged: Style(bold: true), .fieldIssue: Style(bold: true), .marked: Style(underline: true),
        .input: Style(underline: true),
    ])
}

public struct Style: Sendable, Equatable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    public var bold, dim, reverse, underline: Bool

    public init(foreground: ThemeColor = .terminalDefault, background: ThemeColor = .terminalDefault,
                bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }
}

/// A colour as a theme names it: the terminal's own, one of the 16 ANSI
/// colours, an xterm 256-colour index, or a true colour.
public enum ThemeColor: Sendable, Equatable {
    case terminalDefault
    case ansi(Int)
    case indexed(Int)
    case rgb(UInt8, UInt8, UInt8)

    static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// `"default"`, `"red"`, `"bright-red"`, `"#ff8800"`; nil if none of those.
    public init?(name: String) {
        let n = name.lowercased()
        if n == "default" || n == "none" { self = .terminalDefault; return }
        if let i = Self.ansiNames.firstIndex(of: n) { self = .ansi(i); return }
        if n.hasPrefix("bright-"), let i = Self.ansiNames.firstIndex(of: String(n.dropFirst(7))) { self = .ansi(i + 8); return }
        if n.hasPrefix("#"), n.count == 7, let v = UInt32(n.dropFirst(), radix: 16) {
            self = .rgb(UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
            return
        }
        return nil
    }

    /// The colour's red, green and blue, as xterm shows it.
    var rgb: (Int, Int, Int) {
        switch self {
        case .terminalDefault: return (0, 0, 0)
        case .rgb(let r, let g, let b): return (Int(r), Int(g), Int(b))
        case .ansi(let i): return Self.palette16[min(max(i, 0), 15)]
        case .indexed(let i):
            if i < 16 { return Self.palette16[max(i, 0)] }
            if i < 232 {
                let c = i - 16, steps = [0, 95, 135, 175, 215, 255]
                return (steps[c / 36], steps[c / 6 % 6], steps[c % 6])
            }
            let v = 8 + (min(i, 255) - 232) * 10
            return (v, v, v)
        }
    }

    static let palette16: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
}

/// What the terminal can show, from ncurses' COLORS (and NO_COLOR).
public enum ColorDepth: Sendable, Equatable {
    case none, eight, sixteen, indexed256, trueColor

    public init(colors: Int, noColor: Bool) {
        if noColor || colors < 8 { self = .none }
        else if colors >= 0x100_0000 { self = .trueColor }
        else if colors >= 256 { self = .indexed256 }
        else if colors >= 16 { self = .sixteen }
        else { self = .eight }
    }
}

/// A style as this terminal can draw it: colour numbers for ncurses (-1 for
/// the terminal's default) and attributes.
public struct ResolvedStyle: Sendable, Equatable {
    public var foreground: Int
    public var background: Int
    public var bold, dim, reverse, underline: Bool
}

extension Style {
    /// Picks the nearest colours the terminal has. Without colour a role
    /// that stood out by its background (a selection, the status bar) is
    /// drawn in reverse video instead, so it still stands out.
    public func resolved(for depth: ColorDepth) -> ResolvedStyle {
        var out = ResolvedStyle(foreground: -1, background: -1, bold: bold, dim: dim, reverse: reverse, underline: underline)
        if depth == .none {
            if background != .terminalDefault { out.reverse.toggle() }
            return out
        }
        func number(_ c: ThemeColor) -> Int {
            switch (c, depth) {
            case (.terminalDefault, _): return -1
            case (_, .trueColor):
                let (r, g, b) = c.rgb
                return r << 16 | g << 8 | b
            case (.ansi(let i), .indexed256), (.ansi(let i), .sixteen): return i
            case (.indexed(let i), .indexed256): return i
            case (.rgb, .indexed256): return ThemeColor.nearest(c.rgb, among: 16..<256)
            case (_, .sixteen): return ThemeColor.nearest(c.rgb, among: 0..<16)
            default:
                // Eight colours: a bright colour is its plain one, in bold.
                let n: Int
                if case .ansi(let i) = c { n = i } else { n = ThemeColor.nearest(c.rgb, among: 0..<16) }
                return n
            }
        }
        out.foreground = number(foreground)
        out.background = number(background)
        if depth == .eight {
            if out.foreground >= 8 { out.foreground -= 8; out.bold = true }
            if out.background >= 8 { out.background -= 8 }
        }
        return out
    }
}

extension ThemeColor {
    /// The xterm colour index in `range` closest to (r, g, b).
    static func nearest(_ rgb: (Int, Int, Int), among range: Range<Int>) -> Int {
        var best = range.lowerBound, bestDistance = Int.max
        for i in range {
            let (r, g, b) = ThemeColor.indexed(i).rgb
            // Weighted as the eye is: green counts most, blue least.
            let d = 3 * (r - rgb.0) * (r - rgb.0) + 4 * (g - rgb.1) * (g - rgb.1) + 2 * (b - rgb.2) * (b - rgb.2)
            if d < bestDistance { best = i; bestDistance = d }
        }
        return best
    }
}
