/// Text from orders and responses is untrusted: an escape sequence in a
/// customer name must not retitle or repaint a terminal. Everything shown on
/// a terminal goes through here first.
public enum SafeText {
    /// Control characters (C0, DEL, C1) become visible escapes like `\u{1B}`;
    /// tabs and newlines too, since a table cell is one line.
    public static func escape(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for u in s.unicodeScalars {
            if isControl(u) {
                switch u {
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                default: out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
                }
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    @inline(__always) static func isControl(_ u: Unicode.Scalar) -> Bool {
        u.value < 0x20 || (u.value >= 0x7F && u.value < 0xA0)
            // Bidi overrides can make text read backwards.
            || (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value)
    }
}

/// How many terminal columns text takes: wide East Asian characters and most
/// emoji take two, combining marks none.
public enum DisplayWidth {
    public static func of(_ s: String) -> Int {
        var w = 0
        for u in s.unicodeScalars { w += of(u) }
        return w
    }

    public static func of(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if v < 0x300 { return 1 }
        if (0x300...0x36F).contains(v) || (0x200B...0x200F).contains(v) || v == 0xFE0F || v == 0xFE0E
            || (0x1AB0...0x1AFF).contains(v) || (0x20D0...0x20FF).contains(v) || (0xFE20...0xFE2F).contains(v) {
            return 0
        }
        if (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
            || (0x1F900...0x1F9FF).contains(v) || (0x1F680...0x1F6FF).contains(v) || (0x20000...0x3FFFD).contains(v) {
            return 2
        }
        return 1
    }

    /// `s` in at most `width` columns, cut in the middle when too long: for
    /// field paths, whose start (the item) and end (the field) say the most.
    public static func middle(_ s: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        guard of(s) > width else { return s }
        let chars = Array(s)
        var tail: [Character] = []
        var used = 0
        let tailWidth = (width - 1) / 2
        for ch in chars.reversed() {
            let w = of(String(ch))
            if used + w > tailWidth { break }
            tail.insert(ch, at: 0)
            used += w
        }
        var head = ""
        var headUsed = 0
        for ch in chars {
            let w = of(String(ch))
            if headUsed + w > width - 1 - used { break }
            head.append(ch)
            headUsed += w
        }
        return head + "…" + String(tail)
    }

    /// `s` cut to at most `width` columns, with `…` when cut, then padded.
    public static func fit(_ s: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        let w = of(s)
        if w <= width { return s + String(repeating: " ", count: width - w) }
        var out = ""
        var used = 0
        for ch in s {
            let cw = of(String(ch))
            if used + cw > width - 1 { break }
            out.append(ch)
            used += cw
        }
        return out + "…" + String(repeating: " ", count: max(0, width - used - 1))
    }
}
