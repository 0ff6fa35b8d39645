import Foundation

/// Checks one order as it would go on the wire (the dialect's JSON for it),
/// naming each problem by its canonical path and, in the message, by the
/// vendor's own field name, so both support staff and whoever reads the raw
/// request can find it.
struct RuleChecker {
    let dialect: Dialect
    let paths: FieldPaths
    var issues: [OrderIssue] = []
    /// The same problems by the vendor's own path and with the bare rule
    /// text, as a vendor would phrase its refusal (the sandbox answers so).
    var vendorIssues: [VendorIssue] = []

    init(dialect: Dialect, paths: FieldPaths) {
        self.dialect = dialect
        self.paths = paths
    }

    enum TextFormat {
        /// `YYYY-MM-DDTHH:mm:ssZ` exactly (Cropster).
        case utcTimestamp
        /// Any ISO 8601 date, or date and time with an optional zone.
        case iso8601
        /// RFC 3339 `date-time`: date, time with seconds, and a zone (Omnia).
        case dateTime
        /// `DD-MM-YYYY` (Dropday's delivery date).
        case dayMonthYear
        case currency
        case alpha2
        case alpha3
        case email
        case digits
    }

    static func join(_ base: String, _ key: String) -> String { base.isEmpty ? key : "\(base).\(key)" }

    mutating func add(_ path: String, _ code: String, _ message: String) {
        vendorIssues.append(VendorIssue(path: path, code: code, text: message))
        issues.append(OrderIssue(code: code, message: "\(message) (\(dialect.displayName) field \(path))",
                                 field: paths.canonical(path)))
    }

    /// The member's value, or nil (reporting it when required) if it is
    /// missing, null or blank text.
    mutating func value(_ o: JSONObject?, _ key: String, at base: String, required: Bool) -> JSONValue? {
        guard let v = o?[key], !v.isNull else {
            if required { add(Self.join(base, key), "required", "is required") }
            return nil
        }
        if case .string(let s) = v, Self.isBlank(s) {
            if required { add(Self.join(base, key), "required", "is required but empty") }
            return required ? nil : v
        }
        return v
    }

    /// Only spaces, tabs or line breaks (Foundation's trimming is slow on
    /// Linux and this runs for every field of every order).
    static func isBlank(_ s: String) -> Bool {
        for b in s.utf8 where b != 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { return false }
        return true
    }

    @discardableResult
    mutating func text(_ o: JSONObject?, _ key: String, at base: String, required: Bool = false,
                       oneOf allowed: [String]? = nil, format: TextFormat? = nil) -> String? {
        guard let v = value(o, key, at: base, required: required) else { return nil }
        guard case .string(let s) = v else {
            add(Self.join(base, key), "type", "must be text, not \(v.kindName)")
            return nil
        }
        if s.isEmpty { return s }
        if let allowed, !allowed.contains(s) {
            let list = allowed.count <= 4 ? allowed.joined(separator: " or ") : "one of " + allowed.joined(separator: ", ")
            add(Self.join(base, key), "enum", "\"\(s)\" is not allowed; use \(list)")
        }
        if let format, !Self.matches(s, format) {
            add(Self.join(base, key), "format", Self.describe(format, s))
        }
        return s
    }

    static func describe(_ format: TextFormat, _ s: String) -> String {
        switch format {
        case .utcTimestamp: "\"\(s)\" must be a UTC date and time like 2026-01-01T01:11:00Z"
        case .iso8601: "\"\(s)\" must be an ISO 8601 date and time like 2026-01-01T01:11:00Z"
        case .dateTime: "\"\(s)\" must be a full date and time with its zone, like 2026-01-01T01:11:00Z or 2026-01-01T02:11:00+01:00"
        case .dayMonthYear: "\"\(s)\" must be a day as DD-MM-YYYY, like 03-04-2026"
        case .currency: "\"\(s)\" must be an ISO 4217 currency code such as EUR"
        case .alpha2: "\"\(s)\" must be a two-letter ISO 3166 country code such as NL"
        case .alpha3: "\"\(s)\" must be a three-letter ISO 3166 country code such as NLD"
        case .email: "\"\(s)\" is not an email address"
        case .digits: "\"\(s)\" must be digits only"
        }
    }

    static func matches(_ s: String, _ format: TextFormat) -> Bool {
        switch format {
        case .utcTimestamp: return s.utf8.count == 20 && ISO8601.isValid(s) && s.hasSuffix("Z")
        case .iso8601: return ISO8601.isValid(s)
        case .dateTime:
            let b = Array(s.utf8)
            return ISO8601.isValid(s) && b.count >= 20 && b[10] == UInt8(ascii: "T") && b[16] == 0x3A
                && (s.hasSuffix("Z") || b[b.count - 6] == UInt8(ascii: "+") || b[b.count - 6] == UInt8(ascii: "-"))
        case .dayMonthYear:
            let b = Array(s.utf8)
            guard b.count == 10, b[2] == 0x2D, b[5] == 0x2D else { return false }
            return ISO8601.isValid(String(decoding: b[6..<10] + [0x2D] + b[3..<5] + [0x2D] + b[0..<2], as: UTF8.self))
        case .currency: return ISOCodes.currencies.contains(s)
        case .alpha2: return ISOCodes.alpha2.contains(s)
        case .alpha3: return ISOCodes.alpha3.contains(s)
        case .email:
            // One @ with something before it, a dot after it, no spaces.
            var at: Int? = nil, dotAfterAt = false, i = 0
            for b in s.utf8 {
                switch b {
                case UInt8(ascii: "@"): if at != nil { return false }; at = i
                case UInt8(ascii: "."): if at != nil { dotAfterAt = true }
                case UInt8(ascii: " "): return false
                default: break
                }
                i += 1
            }
            return (at ?? 0) > 0 && dotAfterAt
        case .digits: return s.allSatisfy(\.isASCII) && s.allSatisfy(\.isNumber)
        }
    }

    enum NumberRule { case any, nonNegative, positiveInteger, integer }

    mutating func number(_ o: JSONObject?, _ key: String, at base: String, required: Bool = false,
                         _ rule: NumberRule = .any) {
        guard let v = value(o, key, at: base, required: required) else { return }
        var path: String { Self.join(base, key) }
        guard case .number(let n) = v else {
            add(path, "type", "must be a number, not \(v.kindName)")
            return
        }
        guard let shape = NumberShape(text: n) ?? DecimalText.parse(n).map(NumberShape.init) else {
            add(path, "range", "\(n) is beyond the numbers the target holds")
            return
        }
        switch rule {
        case .any: break
        case .nonNegative where shape.negative: add(path, "range", "must be 0 or more, not \(n)")
        case .positiveInteger where shape.negative || shape.zero || !shape.whole:
            add(path, "range", "must be a whole number above 0, not \(n)")
        case .integer where !shape.whole: add(path, "range", "must be a whole number, not \(n)")
        case .positiveInteger where shape.beyondInt32, .integer where shape.beyondInt32:
            add(path, "range", "\(n) is more than the target's whole numbers hold (at most \(Int32.max))")
        default: break
        }
    }

    /// Reports every member not in `allowed`: for APIs that refuse fields
    /// they do not know (Omnia's `additionalProperties: false`).
    mutating func only(_ o: JSONObject?, _ allowed: [String], at base: String) {
        guard let o else { return }
        for m in o where !Self.isOne(of: allowed, m.key) {
            add(Self.join(base, m.key), "unknown_field", "is not a field \(dialect.displayName) knows; it refuses the whole request for it")
        }
    }

    /// A handful of keys: comparing lengths first answers faster than
    /// hashing each key.
    static func isOne(of list: [String], _ key: String) -> Bool {
        let length = key.utf8.count
        for k in list where k.utf8.count == length && k == key { return true }
        return false
    }

    mutating func bool(_ o: JSONObject?, _ key: String, at base: String, required: Bool = false) {
        guard let v = value(o, key, at: base, required: required) else { return }
        if case .bool = v { return }
        add(Self.join(base, key), "type", "must be true or false, not \(v.kindName)")
    }

    mutating func object(_ o: JSONObject?, _ key: String, at base: String, required: Bool = false) -> JSONObject? {
        guard let v = value(o, key, at: base, required: required) else { return nil }
        guard case .object(let obj) = v else {
            add(Self.join(base, key), "type", "must be an object, not \(v.kindName)")
            return nil
        }
        return obj
    }

    /// The list's objects with their paths; reports a missing or empty list
    /// when `nonEmpty`.
    mutating func list(_ o: JSONObject?, _ key: String, at base: String, required: Bool = false,
                       nonEmpty: Bool = false) -> [(JSONObject?, String)] {
        let path = Self.join(base, key)
        guard let v = value(o, key, at: base, required: required) else { return [] }
        guard case .array(let a) = v else {
            add(path, "type", "must be a list, not \(v.kindName)")
            return []
        }
        if a.isEmpty && nonEmpty { add(path, "empty", "must not be empty") }
        return a.enumerated().map { (i, e) in
            let p = path + Self.index(i)
            guard case .object(let obj) = e else {
                add(p, "type", "must be an object, not \(e.kindName)")
                return (nil, p)
            }
            return (obj, p)
        }
    }

    /// `[i]`, kept for the first lines: every line of every order checked
    /// has its path built, and interpolating it cost more than its checks.
    static func index(_ i: Int) -> String { i < indices.count ? indices[i] : "[\(i)]" }
    static let indices = (0..<64).map { "[\($0)]" }

    mutating func money(_ o: JSONObject?, _ key: String, at base: String, required: Bool) {
        let path = Self.join(base, key)
        guard let m = object(o, key, at: base, required: required) else { return }
        number(m, "amount", at: path, required: true)
        text(m, "currency", at: path, required: true, format: .currency)
    }
}

/// What the number rules ask of a JSON number: its sign, whether it is
/// whole, whether it fits a 32-bit whole number (the narrowest the targets'
/// documents allow for their integer fields).
struct NumberShape {
    var negative = false
    var zero = true
    var whole = true
    var beyondInt32 = false

    /// Read from the text alone, for the usual plain numbers (every
    /// order's quantities and amounts): `Decimal` was most of their check.
    /// Nil for an exponent or more digits than `Decimal` keeps.
    init?(text: String) {
        var minus = false, integerDigits = 0, fractionDigits = 0, inFraction = false
        var integer = 0  // the integer part while it has at most ten digits
        var start = true, anyDigit = false, endsInDigit = false
        for b in text.utf8 {
            defer { start = false }
            endsInDigit = false
            switch b {
            case UInt8(ascii: "-") where start: minus = true
            case UInt8(ascii: "."):
                guard !inFraction, anyDigit else { return nil }
                inFraction = true
            case 0x30...0x39:
                anyDigit = true
                endsInDigit = true
                if inFraction {
                    fractionDigits += 1
                    if b != 0x30 { zero = false; whole = false }
                } else if b != 0x30 || integerDigits > 0 {
                    zero = false
                    if integerDigits < 10 { integer = integer * 10 + Int(b - 0x30) }
                    integerDigits += 1
                }
            default: return nil
            }
            guard integerDigits + fractionDigits <= 38 else { return nil }
        }
        guard endsInDigit else { return nil }
        negative = minus && !zero
        beyondInt32 = integerDigits > 10 || integer > Int(Int32.max) || (integer == Int(Int32.max) && !whole)
    }

    init(_ d: Decimal) {
        var value = d, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        negative = d < 0
        zero = d.isZero
        whole = rounded == d
        let largest = Decimal(Int32.max)
        beyondInt32 = d > largest || d < -largest
    }
}

/// A problem as the vendor's API would name it: its own field path
/// (relative to the order) and the rule broken.
public struct VendorIssue: Sendable, Equatable {
    public var path: String
    public var code: String
    public var text: String
}

/// ISO 8601 dates and date-times, checked field by field (real months,
/// days and times), without a regular expression.
enum ISO8601 {
    static func isValid(_ s: String) -> Bool {
        if let valid = s.utf8.withContiguousStorageIfAvailable(isValid(bytes:)) { return valid }
        return Array(s.utf8).withUnsafeBufferPointer(isValid(bytes:))
    }

    static func isValid(bytes b: UnsafeBufferPointer<UInt8>) -> Bool {
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard let year = digits(0, 4), b.count >= 10, b[4] == 0x2D, let month = digits(5, 2), b[7] == 0x2D,
              let day = digits(8, 2), (1...12).contains(month) else { return false }
        guard (1...daysIn(month: month, year: year)).contains(day) else { return false }
        if b.count == 10 { return true }
        guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), let hour = digits(11, 2), b.count > 13, b[13] == 0x3A,
              let minute = digits(14, 2), hour < 24, minute < 60 else { return false }
        var i = 16
        if i < b.count, b[i] == 0x3A {
            guard let second = digits(17, 2), second <= 60 else { return false }
            i = 19
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                let start = i
                while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
                guard i > start else { return false }
            }
        }
        if i == b.count { return true }
        if b[i] == UInt8(ascii: "Z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), let zh = digits(i + 1, 2), zh < 24 else { return false }
        i += 3
        if i < b.count, b[i] == 0x3A { i += 1 }
        guard let zm = digits(i, 2), zm < 60 else { return false }
        return i + 2 == b.count
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
