import Foundation

/// Reads the members of one JSON object into model fields, remembering which
/// it used so that the rest can be kept as unknown fields, and naming the
/// JSON path in every error.
///
/// A member that is `null` is left unused on purpose: it then travels as an
/// unknown field and is written back as `null`, which keeps bodies exact.
/// Collects the unknown members of one order, shared by the readers of its
/// nested objects.
final class UnknownFields {
    var byPath: [String: JSONObject]
    init(_ initial: [String: JSONObject] = [:]) { byPath = initial }
}

struct FieldReader {
    let object: JSONObject
    let unknown: UnknownFields
    /// Where this object sits, spelled out only when an error or an unknown
    /// member needs it: building two path strings for every nested object
    /// of every order was a tenth of reading a file.
    private let place: Place
    /// Which members were read, one bit each (`overflow` past 64 members).
    private var used: UInt64 = 0
    private var overflow: [Bool] = []
    /// Where the last member was found: codecs read members in the order
    /// they are usually written, so the next one is most often right after.
    private var hint = 0

    /// A parent's paths and this object's key (and index in a list).
    private struct Place {
        var path: String
        var relPath: String
        var key: String? = nil
        var index: Int? = nil

        var resolvedPath: String {
            guard let key else { return path }
            return index.map { "\(path).\(key)[\($0)]" } ?? path + "." + key
        }

        var resolvedRelPath: String {
            guard let key else { return relPath }
            let base = FieldReader.rel(relPath, key)
            return index.map { "\(base)[\($0)]" } ?? base
        }
    }

    init(_ value: JSONValue, path: String, relPath: String, unknown: UnknownFields) throws(DocketError) {
        try self.init(value, place: Place(path: path, relPath: relPath), unknown: unknown)
    }

    private init(_ value: JSONValue, place: Place, unknown: UnknownFields) throws(DocketError) {
        self.place = place
        guard case .object(let o) = value else {
            throw DocketError("expected an object here but found \(value.kindName)", jsonPath: place.resolvedPath)
        }
        object = o
        self.unknown = unknown
        if o.count > 64 { overflow = Array(repeating: false, count: o.count) }
    }

    /// Absolute JSON path of this object, for errors.
    var path: String { place.resolvedPath }
    /// Path relative to the order, the key for unknown fields.
    var relPath: String { place.resolvedRelPath }

    func childPath(_ key: String) -> String { path + "." + key }
    func childRel(_ key: String) -> String { Self.rel(relPath, key) }

    static func rel(_ base: String, _ key: String) -> String { base.isEmpty ? key : base + "." + key }

    private func child(_ key: String, index: Int? = nil) -> Place {
        place.key == nil ? Place(path: place.path, relPath: place.relPath, key: key, index: index)
            : Place(path: path, relPath: relPath, key: key, index: index)
    }

    private func isUsed(_ i: Int) -> Bool { i < 64 ? used & (1 << UInt64(i)) != 0 : overflow[i] }

    private mutating func markUsed(_ i: Int) {
        if i < 64 { used |= 1 << UInt64(i) } else { overflow[i] = true }
    }

    /// The member's value, marked used, or nil when absent or null.
    mutating func take(_ key: String) -> JSONValue? {
        let members = object.members
        let n = members.count
        // Most lookups are for members that are absent; comparing lengths
        // first spares the full string comparison for nearly all of them.
        let length = key.utf8.count
        var k = 0
        while k < n {
            var i = hint + k
            if i >= n { i -= n }
            if members[i].key.utf8.count == length && members[i].key == key {
                hint = i + 1
                if case .null = members[i].value { return nil }
                markUsed(i)
                return members[i].value
            }
            k += 1
        }
        return nil
    }

    func has(_ key: String) -> Bool { object[key] != nil }

    mutating func string(_ key: String) throws(DocketError) -> String? {
        guard let v = take(key) else { return nil }
        guard case .string(let s) = v else {
            throw DocketError("expected text but found \(v.kindName)", jsonPath: childPath(key))
        }
        return s
    }

    mutating func decimal(_ key: String) throws(DocketError) -> Decimal? {
        guard let v = take(key) else { return nil }
        guard case .number(let n) = v else {
            throw DocketError("expected a number but found \(v.kindName)", jsonPath: childPath(key))
        }
        guard let d = DecimalText.parse(n) else {
            throw DocketError("the number \(n) is out of range", jsonPath: childPath(key))
        }
        return d
    }

    mutating func bool(_ key: String) throws(DocketError) -> Bool? {
        guard let v = take(key) else { return nil }
        guard case .bool(let b) = v else {
            throw DocketError("expected true or false but found \(v.kindName)", jsonPath: childPath(key))
        }
        return b
    }

    mutating func flex(_ key: String) throws(DocketError) -> FlexText? {
        guard let v = take(key) else { return nil }
        switch v {
        case .string(let s): return .text(s)
        case .number(let n): return .number(n)
        default: throw DocketError("expected text or a number but found \(v.kindName)", jsonPath: childPath(key))
        }
    }

    mutating func raw(_ key: String) -> JSONValue? { take(key) }

    mutating func rawObject(_ key: String) throws(DocketError) -> JSONObject? {
        guard let v = take(key) else { return nil }
        guard case .object(let o) = v else {
            throw DocketError("expected an object but found \(v.kindName)", jsonPath: childPath(key))
        }
        return o
    }

    mutating func rawArray(_ key: String) throws(DocketError) -> [JSONValue]? {
        guard let v = take(key) else { return nil }
        guard case .array(let a) = v else {
            throw DocketError("expected a list but found \(v.kindName)", jsonPath: childPath(key))
        }
        return a
    }

    /// A nested object, read by `body`, its unknown members collected.
    mutating func object<T>(_ key: String, _ body: (inout FieldReader) throws(DocketError) -> T) throws(DocketError) -> T? {
        guard let v = take(key) else { return nil }
        var child = try FieldReader(v, place: child(key), unknown: unknown)
        let result = try body(&child)
        child.finish()
        return result
    }

    /// A list of objects, each read by `body`.
    mutating func objects<T>(_ key: String, _ body: (inout FieldReader, Int) throws(DocketError) -> T) throws(DocketError) -> [T]? {
        guard let list = try rawArray(key) else { return nil }
        var out: [T] = []
        out.reserveCapacity(list.count)
        for (i, v) in list.enumerated() {
            var child = try FieldReader(v, place: child(key, index: i), unknown: unknown)
            out.append(try body(&child, i))
            child.finish()
        }
        return out
    }

    /// Files the members nobody used under this object's relative path.
    func finish() {
        var rest: [JSONObject.Member] = []
        for (i, m) in object.members.enumerated() where !isUsed(i) { rest.append(m) }
        if !rest.isEmpty { unknown.byPath[relPath] = JSONObject(rest) }
    }
}

/// Decimal from JSON number text without a locale in the way.
public enum DecimalText {
    static let posix = Locale(identifier: "en_US_POSIX")

    /// Plain decimals (`-12.345`, up to 18 digits) are built directly, which
    /// is many times faster than `Decimal(string:)`; anything else (exponents,
    /// long digit runs) goes through Foundation.
    public static func parse(_ text: String) -> Decimal? {
        var significand: UInt64 = 0
        var digits = 0
        var fraction = 0
        var negative = false
        var seenPoint = false
        var ok = true
        var first = true
        for b in text.utf8 {
            if first && b == UInt8(ascii: "-") { negative = true; first = false; continue }
            first = false
            if b >= 0x30 && b <= 0x39 {
                if digits >= 18 { ok = false; break }
                significand = significand * 10 + UInt64(b - 0x30)
                if significand > 0 || seenPoint { digits += 1 }
                if seenPoint { fraction += 1 }
            } else if b == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else {
                ok = false
                break
            }
        }
        if ok && !first {
            return Decimal(sign: negative ? .minus : .plus, exponent: -fraction, significand: Decimal(significand))
        }
        return Decimal(string: text, locale: posix)
    }

    /// Foundation's `description` divides the mantissa digit by digit, which
    /// dominated import time. For the usual amounts (a mantissa within 64
    /// bits) this reads the value's fields and writes the digits directly.
    /// Foundation keeps those fields internal on Linux, so their layout is
    /// checked once against `description` and the fast path used only if
    /// it agrees.
    public static func format(_ d: Decimal) -> String {
        if layoutVerified, let fast = fastFormat(d) { return fast }
        return d.description
    }

    static let layoutVerified: Bool = {
        let samples = ["14.11", "-2.5", "123456789012345678", "0", "1e3", "-0.000123", "4.95", "99999.99", "0.5", "-7", "120.50", "3000"]
        for s in samples {
            guard let d = Decimal(string: s, locale: posix), fastFormat(d) == d.description else { return false }
        }
        return true
    }()

    static func fastFormat(_ d: Decimal) -> String? {
        let parts: (exponent: Int, length: Int, negative: Bool, value: UInt64) = withUnsafeBytes(of: d) { b in
            guard b.count == 20 else { return (0, 99, false, 0) }
            // The first four 16-bit words of the mantissa, least significant
            // first: one little-endian load (the layout check covers it).
            let value = UInt64(littleEndian: b.loadUnaligned(fromByteOffset: 4, as: UInt64.self))
            return (Int(Int8(bitPattern: b[0])), Int(b[1] >> 4), b[1] & 0x08 != 0, value)
        }
        guard parts.length <= 4 else { return nil }
        if parts.value == 0 { return "0" }
        var value = parts.value, exponent = parts.exponent
        while exponent < 0 && value % 10 == 0 { value /= 10; exponent += 1 }
        // Longer runs of zeros (1e40, 1e-30) are Foundation's to write.
        guard exponent <= 20, exponent >= -20 else { return nil }
        // Written back to front in one pass into a stack buffer: building
        // the text with inserts and suffix checks, or counting its digits
        // first, cost more than all else in encoding an amount.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { out in
            var i = out.count
            var v = value
            for _ in 0..<max(0, exponent) { i -= 1; out[i] = 0x30 }
            if exponent < 0 {
                for _ in 0 ..< -exponent { i -= 1; out[i] = 0x30 &+ UInt8(truncatingIfNeeded: v % 10); v /= 10 }
                i -= 1; out[i] = 0x2E
            }
            repeat { i -= 1; out[i] = 0x30 &+ UInt8(truncatingIfNeeded: v % 10); v /= 10 } while v > 0
            if parts.negative { i -= 1; out[i] = 0x2D }
            return String(decoding: UnsafeBufferPointer(rebasing: out[i...]), as: UTF8.self)
        }
    }
}

extension DecimalText {
    /// Rounded to `places` decimals, half away from zero (29.995 → 30.00),
    /// the way shop systems round money for display and invoices.
    public static func rounded(_ d: Decimal, places: Int) -> Decimal {
        // Most amounts already have no more decimals than asked for: every
        // Centra price of every order checked passes here.
        if d.exponent >= -places { return d }
        var value = d
        var result = Decimal()
        NSDecimalRound(&result, &value, places, .plain)
        return result
    }
}

/// Non-empty and only ASCII digits: a number a vendor can take as an integer.
func isAllDigits(_ s: String) -> Bool {
    !s.isEmpty && s.utf8.count <= 18 && s.utf8.allSatisfy { (0x30...0x39).contains($0) }
}
