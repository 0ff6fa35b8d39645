/// Moves an ISO 8601 date-time with a zone to UTC whole seconds
/// (`2026-04-02T10:15:00.5+02:00` → `2026-04-02T08:15:00Z`), for targets
/// that take only `Z` (Cropster). Fractions are cut, not rounded, so a time
/// never moves into the next second. Text without a zone, or not a valid
/// date-time, is left to validation: guessing its zone would move it.
public enum UTCTimestamp {
    public static func normalized(_ text: String) -> String? {
        if let utc = text.utf8.withContiguousStorageIfAvailable({ normalized(bytes: $0, text) }) { return utc }
        return Array(text.utf8).withUnsafeBufferPointer { normalized(bytes: $0, text) }
    }

    static func normalized(bytes b: UnsafeBufferPointer<UInt8>, _ text: String) -> String? {
        guard ISO8601.isValid(bytes: b), b.count >= 19, b[10] == UInt8(ascii: "T"), b[16] == 0x3A else { return nil }
        func n(_ from: Int, _ count: Int) -> Int {
            var v = 0
            for i in from..<(from + count) { v = v * 10 + Int(b[i] - 0x30) }
            return v
        }
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
        }
        guard i < b.count else { return nil }
        let seconds = min(n(17, 2), 59)
        // Already in UTC to the second, as most stored dates are: the text
        // is its own normal form.
        if i == 19, b.count == 20, b[19] == UInt8(ascii: "Z"), seconds == n(17, 2) { return text }
        var offset = 0
        if b[i] != UInt8(ascii: "Z") {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            let hours = n(i + 1, 2)
            let minutes = b[i + 3] == 0x3A ? n(i + 4, 2) : n(i + 3, 2)
            offset = sign * (hours * 60 + minutes) * 60
        }
        var total = daysFromCivil(n(0, 4), n(5, 2), n(8, 2)) * 86_400 + n(11, 2) * 3600 + n(14, 2) * 60 + seconds - offset
        let days = Int((Double(total) / 86_400).rounded(.down))
        total -= days * 86_400
        let (y, m, d) = civil(fromDays: days)
        guard (0...9999).contains(y) else {
            // An offset carried the year past four digits.
            func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
            let year = String(y)
            return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-\(two(m))-\(two(d))T\(two(total / 3600)):\(two(total % 3600 / 60)):\(two(total % 60))Z"
        }
        return String(unsafeUninitializedCapacity: 20) { out in
            func put(_ v: Int, _ at: Int, _ width: Int) {
                var v = v
                for k in stride(from: at + width - 1, through: at, by: -1) { out[k] = UInt8(0x30 + v % 10); v /= 10 }
            }
            put(y, 0, 4); out[4] = 0x2D; put(m, 5, 2); out[7] = 0x2D; put(d, 8, 2); out[10] = UInt8(ascii: "T")
            put(total / 3600, 11, 2); out[13] = 0x3A; put(total % 3600 / 60, 14, 2); out[16] = 0x3A; put(total % 60, 17, 2)
            out[19] = UInt8(ascii: "Z")
            return 20
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's civil calendar algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
