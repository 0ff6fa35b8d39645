import Foundation

/// What a search box's text asks for, read the way the store's search index
/// reads orders: words are runs of letters and digits (and `- _ . /`, which
/// ids and SKUs contain), anything else separates them. So `O'Brien` is the
/// words `O` and `Brien`, both of which must start a word of the order, and
/// no text the user types can be taken for the index's own query syntax.
/// Text with an `@` and no spaces is an email address, matched whole.
public enum SearchText: Equatable, Sendable {
    /// Nothing to search for (blank).
    case everything
    /// Only separators (`'!?`): no order can match.
    case nothing
    case email(String)
    /// Each must be the start of a word of the order.
    case terms([String])

    public static func parse(_ text: String) -> SearchText {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .everything }
        if trimmed.contains("@"), !trimmed.contains(where: \.isWhitespace), trimmed.filter({ $0 == "@" }).count == 1 {
            return .email(trimmed)
        }
        let terms = words(trimmed)
        return terms.isEmpty ? .nothing : .terms(terms)
    }

    /// The words of a text, as the index cuts them.
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            if isTokenChar(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// A word as the index compares it: without case or diacritics, as
    /// SQLite's `unicode61 remove_diacritics 2` compares.
    public static func folded(_ word: String) -> String {
        // Most words (ids, SKUs, most names) are ASCII: lowered by hand,
        // which an import of a million orders notices.
        if word.utf8.allSatisfy({ $0 < 0x80 }) {
            return word.utf8.contains(where: { (0x41...0x5A).contains($0) })
                ? String(decoding: word.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self) : word
        }
        return word.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// The search words of an order (external id, customer, SKUs), folded,
    /// each once, in PostgreSQL's `tsvector` text form: the PostgreSQL
    /// store keeps this, so both stores cut and compare words alike.
    public static func vector(externalId: String, customer: String, skus: String) -> String {
        var seen = Set<String>()
        var out = ""
        for word in words(externalId + " " + customer + " " + skus) {
            let w = folded(word)
            guard seen.insert(w).inserted else { continue }
            // A word holds no quote or backslash (they separate words),
            // so it goes between quotes as it is.
            if !out.isEmpty { out += " " }
            out += "'" + w + "'"
        }
        return out
    }

    /// The index's tokenizer (unicode61's default categories L*, N* and Co,
    /// plus tokenchars `-_./`). Where in doubt a character separates: a
    /// term split too much still matches, one the tokenizer would split
    /// becomes a phrase, which this index cannot search.
    static func isTokenChar(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII {
            let v = s.value
            return (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v)
                || v == 0x2D || v == 0x5F || v == 0x2E || v == 0x2F
        }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .privateUse:
            return true
        default:
            return false
        }
    }

    /// Each term quoted as an FTS5 string and made a prefix: its own
    /// quotes doubled, so nothing of it is read as syntax.
    public static func ftsQuery(_ terms: [String]) -> String {
        terms.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"*" }.joined(separator: " ")
    }

    /// How the header says what applied.
    public var description: String {
        switch self {
        case .everything: ""
        case .nothing: "nothing to search for"
        case .email(let e): "email \(e)"
        case .terms(let t): t.joined(separator: " ")
        }
    }
}
