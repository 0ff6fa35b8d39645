/// Writes JSON text. Members are written in the order they are held; numbers
/// are written exactly as their text.
public struct JSONWriter {
    public var pretty: Bool
    public var bytes: [UInt8] = []
    var level = 0

    public init(pretty: Bool = false) { self.pretty = pretty }

    public static func string(_ value: JSONValue, pretty: Bool = false) -> String {
        var w = JSONWriter(pretty: pretty)
        w.write(value)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    public static func data(_ value: JSONValue, pretty: Bool = false) -> [UInt8] {
        var w = JSONWriter(pretty: pretty)
        w.write(value)
        return w.bytes
    }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let b): bytes.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): bytes.append(contentsOf: n.utf8)
        case .string(let s): writeString(s)
        case .array(let a):
            if a.isEmpty { bytes.append(contentsOf: "[]".utf8); return }
            bytes.append(UInt8(ascii: "["))
            level += 1
            for (i, v) in a.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                newline()
                write(v)
            }
            level -= 1
            newline()
            bytes.append(UInt8(ascii: "]"))
        case .object(let o):
            if o.isEmpty { bytes.append(contentsOf: "{}".utf8); return }
            bytes.append(UInt8(ascii: "{"))
            level += 1
            for (i, m) in o.members.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                newline()
                writeString(m.key)
                bytes.append(UInt8(ascii: ":"))
                if pretty { bytes.append(UInt8(ascii: " ")) }
                write(m.value)
            }
            level -= 1
            newline()
            bytes.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always) mutating func newline() {
        guard pretty else { return }
        bytes.append(0x0A)
        for _ in 0..<level { bytes.append(0x20); bytes.append(0x20) }
    }

    public mutating func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most text needs no escaping: copy it whole.
        var plain = true
        for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F { plain = false; break }
        if plain {
            bytes.append(contentsOf: s.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(0x5C); bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0x00..<0x20, 0x7F:
                bytes.append(contentsOf: "\\u00".utf8)
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(b >> 4)])
                bytes.append(hex[Int(b & 0xF)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
