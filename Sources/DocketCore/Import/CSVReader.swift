import Foundation

/// Reads RFC 4180 CSV a row at a time: quoted fields may hold commas, quotes
/// ("") and line breaks; rows end in CRLF or LF; a leading byte-order mark
/// is skipped. Each row comes with the line it starts on.
public struct CSVReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var pos = 0
    private var eof = false
    private var line = 1
    private var first = true

    public init(path: String) throws {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw DocketError("this file cannot be read", file: path)
        }
        handle = h
    }

    private mutating func byte() throws -> UInt8? {
        if pos == buffer.count {
            if eof { return nil }
            buffer = Array(try handle.read(upToCount: 1 << 20) ?? Data())
            pos = 0
            if buffer.isEmpty { eof = true; return nil }
        }
        defer { pos += 1 }
        return buffer[pos]
    }

    private mutating func peek() throws -> UInt8? {
        guard let b = try byte() else { return nil }
        pos -= 1
        return b
    }

    /// The next row and the line it starts on, or nil at the end.
    public mutating func next() throws -> (fields: [String], line: Int)? {
        if first {
            first = false
            if try peek() == 0xEF {
                _ = try byte()
                guard try byte() == 0xBB, try byte() == 0xBF else {
                    throw DocketError("the file starts with bytes that are not text", line: 1)
                }
            }
        }
        guard try peek() != nil else { return nil }
        let start = line
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var wasQuoted = false
        func text(_ bytes: [UInt8]) throws -> String {
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw DocketError("this row is not valid UTF-8 text", line: start)
            }
            return s
        }
        while true {
            guard let b = try byte() else {
                if quoted { throw DocketError("a quoted field that starts on line \(start) is never closed (is the file truncated?)", line: start) }
                fields.append(try text(field))
                return (fields, start)
            }
            if quoted {
                if b == 0x22 {
                    if try peek() == 0x22 { _ = try byte(); field.append(0x22) } else { quoted = false }
                } else {
                    if b == 0x0A { line += 1 }
                    field.append(b)
                }
                continue
            }
            switch b {
            case 0x22:
                guard field.isEmpty && !wasQuoted else {
                    throw DocketError("a quote in the middle of a field must be inside a quoted field (\"\"...\"\")", line: line)
                }
                quoted = true
                wasQuoted = true
            case 0x2C:
                fields.append(try text(field))
                field.removeAll(keepingCapacity: true)
                wasQuoted = false
            case 0x0D:
                if try peek() == 0x0A { continue }
                field.append(b)
            case 0x0A:
                line += 1
                fields.append(try text(field))
                return (fields, start)
            default:
                if wasQuoted { throw DocketError("text after the closing quote of a field", line: line) }
                field.append(b)
            }
        }
    }
}
