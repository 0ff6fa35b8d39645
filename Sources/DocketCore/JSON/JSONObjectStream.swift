import Foundation

/// Reads a file of JSON objects one at a time without holding the file in
/// memory: either a top-level list `[{…},{…}]` or objects one after another
/// (JSON Lines). Each object comes out as its own bytes with the line it
/// starts on, so a million-order file imports in bounded memory and an error
/// can still name the line.
public struct JSONObjectStream {
    public struct Element: Sendable {
        public var bytes: [UInt8]
        public var line: Int
        public var index: Int
    }

    private let handle: FileHandle
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    private var pos = 0
    private var line = 1
    private var eof = false
    private var mode: Mode = .unknown
    private var arrayClosed = false
    private var afterElement = false
    private var count = 0

    enum Mode { case unknown, array, lines }

    public init(path: String, chunkSize: Int = 1 << 20) throws {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        handle = h
        self.chunkSize = chunkSize
    }

    /// Whether the file was a top-level list (as opposed to JSON Lines).
    public var isList: Bool { mode == .array }

    private mutating func refill() throws {
        if eof { return }
        if pos > 0 && pos >= buffer.count / 2 {
            buffer.removeFirst(pos)
            pos = 0
        }
        let data = try handle.read(upToCount: chunkSize) ?? Data()
        if data.isEmpty { eof = true } else { buffer.append(contentsOf: data) }
    }

    private func error(_ message: String, at index: Int) -> JSONSyntaxError {
        var col = 1
        var i = index - 1
        while i >= 0 && buffer[i] != 0x0A { i -= 1 }
        col = String(decoding: buffer[(i + 1)..<min(index, buffer.count)], as: UTF8.self).count + 1
        return JSONSyntaxError(line: line, column: col, message: message)
    }

    private func describe(_ b: UInt8) -> String {
        if b >= 0x21 && b < 0x7F { return "'\(Character(UnicodeScalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    public mutating func next() throws -> Element? {
        while true {
            // Skip white space between objects.
            while true {
                if pos == buffer.count {
                    try refill()
                    if pos == buffer.count { break }
                }
                let b = buffer[pos]
                if b == 0x0A { line += 1; pos += 1 } else if b == 0x20 || b == 0x09 || b == 0x0D { pos += 1 } else { break }
            }
            if pos == buffer.count {
                if mode == .array && !arrayClosed {
                    throw JSONSyntaxError(line: line, column: 1, message: "the file ends before the list of orders is closed with ']' (is it truncated?)")
                }
                if mode == .unknown {
                    throw JSONSyntaxError(line: line, column: 1, message: "the file is empty")
                }
                return nil
            }
            if mode == .unknown && line == 1 && pos == 0 && buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
                pos = 3  // a UTF-8 byte-order mark
                continue
            }
            let b = buffer[pos]
            if mode == .unknown {
                if b == UInt8(ascii: "[") { mode = .array; pos += 1; continue }
                if b == UInt8(ascii: "{") { mode = .lines } else {
                    throw error("expected orders as JSON objects, one per line or in a list, but found \(describe(b))", at: pos)
                }
            }
            if mode == .array {
                if arrayClosed { throw error("unexpected text after the end of the list", at: pos) }
                if b == UInt8(ascii: "]") { arrayClosed = true; pos += 1; continue }
                if b == UInt8(ascii: ",") {
                    guard afterElement else { throw error("expected an order but found ','", at: pos) }
                    afterElement = false
                    pos += 1
                    continue
                }
                if afterElement { throw error("expected ',' or ']' after an order but found \(describe(b))", at: pos) }
            }
            guard b == UInt8(ascii: "{") else { throw error("expected an order object starting with '{' but found \(describe(b))", at: pos) }
            return try scanObject()
        }
    }

    /// The object without white space between tokens, so that what is kept
    /// of it (the store keeps a Docket order's own bytes) is compact.
    /// Newlines in the object are kept so that error line numbers still hold.
    static func minified(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inString = false
        var escaped = false
        for c in bytes {
            if inString {
                if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
                out.append(c)
            } else if c == 0x20 || c == 0x09 || c == 0x0D {
                continue
            } else {
                if c == 0x22 { inString = true }
                out.append(c)
            }
        }
        return out
    }

    private mutating func scanObject() throws -> Element {
        let startLine = line
        var start = pos
        var i = pos
        var depth = 0
        var inString = false
        var escaped = false
        var spaced = false
        while true {
            if i == buffer.count {
                pos = start
                try refill()
                // refill may have dropped the bytes before `start`.
                let dropped = start - pos
                start = pos
                i -= dropped
                if i == buffer.count {
                    throw JSONSyntaxError(line: startLine, column: 1,
                        message: "the file ends inside the order that starts on line \(startLine) (is it truncated?)")
                }
            }
            let c = buffer[i]
            if c == 0x0A { line += 1 }
            if inString {
                if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
            } else {
                switch c {
                case 0x20, 0x0A, 0x0D, 0x09: spaced = true
                case 0x22: inString = true
                case 0x7B, 0x5B: depth += 1
                case 0x7D, 0x5D:
                    depth -= 1
                    if depth == 0 {
                        let slice = buffer[start...i]
                        let element = Element(bytes: spaced ? Self.minified(slice) : Array(slice), line: startLine, index: count)
                        count += 1
                        pos = i + 1
                        afterElement = true
                        return element
                    }
                default: break
                }
            }
            i += 1
        }
    }
}
