/// Refusals grouped by cause: the same target, vendor code, field and
/// message once the specific value is taken out. Sixty orders refused
/// because "itemId RETIRED-33 does not correspond to a product" and
/// "…RETIRED-41…" are one problem to fix once, not sixty to open.
public struct RefusalGroup: Sendable, Equatable, Identifiable {
    public var target: String
    /// The target's code, or the outcome when it gave none (`unknown`).
    public var code: String
    /// The canonical field with line numbers as `[*]` (`items[*].productId`),
    /// empty when the refusal names no field.
    public var field: String
    /// The message with its specific values as `…`.
    public var pattern: String
    /// One message as the target wrote it, for reading a real case.
    public var example: String
    /// The orders refused this way, newest first, each once.
    public var orders: [String]
    /// When the newest of them was recorded.
    public var newest: String

    public init(target: String, code: String, field: String, pattern: String, example: String, orders: [String], newest: String) {
        self.target = target
        self.code = code
        self.field = field
        self.pattern = pattern
        self.example = example
        self.orders = orders
        self.newest = newest
    }

    public var id: String { [target, code, field, pattern].joined(separator: "\u{1f}") }
    public var count: Int { orders.count }
}

public enum RefusalGrouping {
    /// Latest outcomes that are failures: what the Errors view groups.
    public static let failed: [Outcome] = [.rejected, .notSaved, .unknown, .skipped]
    public static let failedNames = failed.map(\.rawValue)

    /// Groups the failures, newest group first (ties: the larger first).
    /// Outcomes that are not failures are left out.
    public static func group(_ outcomes: [LatestOutcome]) -> [RefusalGroup] {
        var groups: [String: RefusalGroup] = [:]
        var seen: [String: Set<String>] = [:]
        for latest in outcomes where failed.contains(latest.outcome.outcome) {
            let errors = latest.outcome.errors.isEmpty
                ? [OrderIssue(code: latest.outcome.outcome.rawValue, message: "(no message: the outcome is \(latest.outcome.outcome.rawValue))")]
                : latest.outcome.errors
            for error in errors {
                var g = RefusalGroup(target: latest.target, code: error.code.isEmpty ? latest.outcome.outcome.rawValue : error.code,
                                     field: fieldPattern(error.field ?? ""), pattern: pattern(error.message), example: error.message,
                                     orders: [], newest: latest.at)
                g = groups[g.id] ?? g
                if seen[g.id, default: []].insert(latest.outcome.externalId).inserted { g.orders.append(latest.outcome.externalId) }
                if latest.at > g.newest { g.newest = latest.at; g.example = error.message }
                groups[g.id] = g
            }
        }
        return groups.values.sorted { a, b in
            a.newest != b.newest ? a.newest > b.newest : a.count != b.count ? a.count > b.count : a.id < b.id
        }
    }

    /// `items[3].productId` → `items[*].productId`.
    public static func fieldPattern(_ field: String) -> String {
        var out = ""
        var inIndex = false
        for ch in field {
            if ch == "[" { inIndex = true; out.append(ch); continue }
            if inIndex, ch == "]" { inIndex = false; out += "*]"; continue }
            if inIndex {
                // A quoted key (`extra["a b"]`) stays as written.
                if !ch.isNumber { inIndex = false; out.append(ch) }
                continue
            }
            out.append(ch)
        }
        return out
    }

    /// The message with what differs from order to order taken out: words
    /// with a digit in them (ids, amounts, dates), quoted text, and words
    /// in capitals (codes such as EURO or a SKU).
    public static func pattern(_ message: String) -> String {
        var words: [String] = []
        var quote: Character?
        for word in message.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            if let q = quote {
                if word.last == q || word.dropLast().last == q { quote = nil }
                continue
            }
            if let first = word.first, first == "\"" || first == "'" || first == "“" {
                let close: Character = first == "“" ? "”" : first
                let rest = word.dropFirst()
                if !(rest.contains(close)) { quote = close }
                words.append("…" + trailingPunctuation(word))
                continue
            }
            let core = word.trimmed(of: ",.;:()[]{}")
            words.append(isValue(core) ? String(word.prefix { "([{".contains($0) }) + "…" + trailingPunctuation(word) : word)
        }
        // Runs of values read as one.
        var joined: [String] = []
        for w in words where !(w == "…" && joined.last == "…") { joined.append(w) }
        return joined.joined(separator: " ")
    }

    static func isValue(_ word: String) -> Bool {
        guard !word.isEmpty else { return false }
        if word.contains(where: \.isNumber) { return true }
        let letters = word.filter(\.isLetter)
        return letters.count >= 2 && letters.allSatisfy(\.isUppercase) && word.allSatisfy { $0.isLetter || "-_./".contains($0) }
    }

    static func trailingPunctuation(_ word: String) -> String {
        String(word.reversed().prefix { ",.;:)]}".contains($0) }.reversed())
    }
}

extension String {
    func trimmed(of set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
