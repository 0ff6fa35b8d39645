import Foundation

/// Where a JSON text broke, in the terms a person opening the file would use.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A strict JSON parser (RFC 8259) over bytes.
///
/// Written here rather than using `JSONSerialization` so that numbers keep
/// their text, duplicate keys are refused, and an error says the line and
/// column; it is also several times faster, which the million-order import
/// needs.
public struct JSONParser {
    /// Parses one complete JSON text. `firstLine` numbers the first line of
    /// `bytes` when they are a slice of a larger file.
    public static func parse(_ bytes: some Collection<UInt8>, firstLine: Int = 1) throws(JSONSyntaxError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> JSONValue in
            var parser = Cursor(bytes: buffer, firstLine: firstLine)
            // Files saved by Windows tools often start with a UTF-8 byte-order mark.
            if buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { parser.index = 3 }
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            if parser.index < buffer.count {
                throw parser.error("unexpected text after the end of the JSON value")
            }
            return value
        }
    }

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    static let maxDepth = 512

    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        let firstLine: Int
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>, firstLine: Int) {
            self.bytes = bytes
            self.firstLine = firstLine
        }

        func error(_ message: String, at position: Int? = nil) -> JSONSyntaxError {
            let end = min(position ?? index, bytes.count)
            var line = firstLine
            var lineStart = 0
            var i = 0
            while i < end {
                if bytes[i] == UInt8(ascii: "\n") { line += 1; lineStart = i + 1 }
                i += 1
            }
            // Columns count characters, not bytes, so they match an editor.
            let column = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<end]), as: UTF8.self).count + 1
            return JSONSyntaxError(line: line, column: column, message: message)
        }

        @inline(__always) mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        func describeHere() -> String {
            guard index < bytes.count else { return "the file ends" }
            let b = bytes[index]
            if b >= 0x21 && b < 0x7F { return "'\(Character(UnicodeScalar(b)))'" }
            return "byte 0x\(String(b, radix: 16))"
        }

        mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard index < bytes.count else { throw error("the file ends where a value was expected (is it truncated?)") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
            case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw error("expected a value but found \(describeHere())")
            }
        }

        mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw error("expected a value but found \(describeHere())") }
            let ok = word.withUTF8Buffer { w in
                var k = 0
                while k < count { if bytes[index + k] != w[k] { return false }; k += 1 }
                return true
            }
            guard ok else { throw error("expected a value but found \(describeHere())") }
            index += count
        }

        mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONObject {
            guard depth <= JSONParser.maxDepth else { throw error("nested more than \(JSONParser.maxDepth) levels deep") }
            let start = index
            index += 1
            var members: [JSONObject.Member] = []
            members.reserveCapacity(8)
            var seen: Set<String>? = nil
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return JSONObject(members) }
            while true {
                skipWhitespace()
                guard index < bytes.count else {
                    throw error("the file ends inside the object that starts at \(positionText(start)) (is it truncated?)")
                }
                guard bytes[index] == UInt8(ascii: "\"") else {
                    throw error("expected a member name in quotes but found \(describeHere())")
                }
                let keyStart = index
                let key = try parseString()
                // Small objects check by scanning; large ones (Centra's keyed
                // batch) switch to a set so duplicate detection stays linear.
                if members.count < 16 {
                    if members.contains(where: { $0.key == key }) {
                        throw error("the name \"\(key)\" appears twice in one object", at: keyStart)
                    }
                } else {
                    if seen == nil { seen = Set(members.map(\.key)) }
                    if !seen!.insert(key).inserted {
                        throw error("the name \"\(key)\" appears twice in one object", at: keyStart)
                    }
                }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw error("expected ':' after \"\(key)\" but found \(describeHere())")
                }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                members.append(JSONObject.Member(key, value))
                skipWhitespace()
                guard index < bytes.count else {
                    throw error("the file ends inside the object that starts at \(positionText(start)) (is it truncated?)")
                }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return JSONObject(members) }
                throw error("expected ',' or '}' but found \(describeHere())")
            }
        }

        mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> [JSONValue] {
            guard depth <= JSONParser.maxDepth else { throw error("nested more than \(JSONParser.maxDepth) levels deep") }
            let start = index
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return elements }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                guard index < bytes.count else {
                    throw error("the file ends inside the list that starts at \(positionText(start)) (is it truncated?)")
                }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return elements }
                throw error("expected ',' or ']' but found \(describeHere())")
            }
        }

        func positionText(_ position: Int) -> String {
            let e = error("", at: position)
            return "line \(e.line), column \(e.column)"
        }

        static let maxNumberDigits = 40

        mutating func parseNumber() throws(JSONSyntaxError) -> String {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs digits after '-'") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if index < bytes.count, isDigit(bytes[index]) {
                    throw error("a number may not start with 0 (write text in quotes to keep leading zeros)", at: start)
                }
            } else {
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs digits after '.'") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs digits in its exponent") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            // No amount or quantity has this many digits; the message quotes
            // the start only, not a megabyte of them.
            var digits = 0
            for b in bytes[start..<index] where isDigit(b) { digits += 1 }
            if digits > Self.maxNumberDigits {
                let head = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(index, start + 12)]), as: UTF8.self)
                throw error("a number of \(digits) digits (\(head)…) is longer than Docket takes (\(Self.maxNumberDigits) digits)", at: start)
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

        mutating func parseString() throws(JSONSyntaxError) -> String {
            let open = index
            index += 1
            let start = index
            var hasEscapes = false
            var ascii = true
            while true {
                guard index < bytes.count else {
                    throw error("the file ends inside the text that starts at \(positionText(open)) (is it truncated?)")
                }
                let b = bytes[index]
                if b == UInt8(ascii: "\"") { break }
                if b == UInt8(ascii: "\\") {
                    hasEscapes = true
                    index += 2
                    continue
                }
                if b < 0x20 { throw error("a control character (0x\(String(b, radix: 16))) must be escaped inside text") }
                if b >= 0x80 { ascii = false }
                index += 1
            }
            let end = index
            index += 1
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if !hasEscapes {
                if ascii { return String(decoding: raw, as: UTF8.self) }
                guard let s = String(validating: raw, as: UTF8.self) else {
                    throw error("text is not valid UTF-8", at: start)
                }
                return s
            }
            return try unescape(start: start, end: end)
        }

        func unescape(start: Int, end: Int) throws(JSONSyntaxError) -> String {
            var out: [UInt8] = []
            out.reserveCapacity(end - start)
            var i = start
            while i < end {
                let b = bytes[i]
                guard b == UInt8(ascii: "\\") else { out.append(b); i += 1; continue }
                guard i + 1 < end else { throw error("a backslash ends the text", at: i) }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(at: i, end: end)
                    i += 4
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard i + 6 <= end, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw error("a \\u escape starts a surrogate pair that is not finished", at: i)
                        }
                        let low = try hex4(at: i + 2, end: end)
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("a \\u surrogate pair is broken", at: i) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("a \\u escape is a lone low surrogate", at: i - 6)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("a \\u escape is not a character", at: i - 6) }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    throw error("unknown escape '\\\(Character(UnicodeScalar(e)))' in text", at: i - 2)
                }
            }
            guard let s = String(validating: out, as: UTF8.self) else { throw error("text is not valid UTF-8", at: start) }
            return s
        }

        func hex4(at i: Int, end: Int) throws(JSONSyntaxError) -> UInt32 {
            guard i + 4 <= end else { throw error("a \\u escape needs four hex digits", at: i) }
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = bytes[i + k]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw error("a \\u escape needs four hex digits", at: i)
                }
                v = v << 4 | d
            }
            return v
        }
    }
}
