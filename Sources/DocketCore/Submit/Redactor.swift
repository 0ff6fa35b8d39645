import Foundation

/// Blanks out every secret Docket holds for a target in what came back
/// from it, before that is stored, printed, exported or drawn: a target (or
/// a proxy in front of it) that echoes the request's headers in an error
/// page would otherwise put the credential in the batch history.
///
/// Each secret is matched as sent and as a JSON or a form would escape it;
/// the Basic credential also in its base64 form.
public struct Redactor: Sendable {
    public static let mark = "[redacted]"
    /// Byte patterns to replace, longest first (so a token is not left half
    /// shown because a shorter secret matched inside it).
    let patterns: [[UInt8]]

    public init(secrets: [String]) {
        var forms: Set<String> = []
        for s in secrets where s.utf8.count >= 4 {
            forms.insert(s)
            forms.insert(s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "/", with: "\\/"))
            if let encoded = s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) {
                forms.insert(encoded)
            }
        }
        patterns = forms.map { Array($0.utf8) }.sorted { $0.count > $1.count }
    }

    public static let none = Redactor(secrets: [])

    public func redact(_ bytes: [UInt8]) -> [UInt8] {
        guard !patterns.isEmpty, !bytes.isEmpty else { return bytes }
        var out = bytes
        for p in patterns { out = Self.replace(p, in: out) }
        return out
    }

    public func redact(_ text: String) -> String {
        guard !patterns.isEmpty else { return text }
        return String(decoding: redact(Array(text.utf8)), as: UTF8.self)
    }

    static func replace(_ pattern: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        guard let first = pattern.first, bytes.count >= pattern.count else { return bytes }
        var out: [UInt8] = []
        var i = 0
        var changed = false
        let mark = Array(Redactor.mark.utf8)
        while i < bytes.count {
            if bytes[i] == first, i + pattern.count <= bytes.count, bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
                if !changed { out.reserveCapacity(bytes.count); out.append(contentsOf: bytes[0..<i]); changed = true }
                out.append(contentsOf: mark)
                i += pattern.count
            } else {
                if changed { out.append(bytes[i]) }
                i += 1
            }
        }
        return changed ? out : bytes
    }
}
