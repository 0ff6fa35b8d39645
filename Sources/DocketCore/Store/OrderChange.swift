import Foundation

/// One saved version of an order: who saved it, when, and which fields
/// changed from what to what. What a team reads to answer "who changed
/// this order, and when".
public struct OrderChange: Sendable, Equatable {
    public var version: Int
    public var at: String
    /// The database's user (PostgreSQL's role; on SQLite, the OS user).
    public var storeUser: String
    /// The operating system's user of the process that saved it.
    public var osUser: String
    /// `edit` (the console), `fix` (a bulk fix), or what else saved it.
    public var source: String
    public var fields: [OrderFields.Difference]

    public init(version: Int, at: String, storeUser: String, osUser: String, source: String, fields: [OrderFields.Difference]) {
        self.version = version
        self.at = at
        self.storeUser = storeUser
        self.osUser = osUser
        self.source = source
        self.fields = fields
    }

    /// The OS user of this process.
    public static var currentOSUser: String {
        if let name = ProcessInfo.processInfo.environment["USER"], !name.isEmpty { return name }
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }

    /// What an import that replaced an order is recorded as.
    public static let importSource = "import"

    /// The fields an import changed in an order it replaced: the stored
    /// body against the imported one, told as an edit's changes are. A
    /// body that cannot be read back tells no fields rather than stop the
    /// import.
    public static func importChanges(stored: String, imported: [UInt8]) -> [OrderFields.Difference] {
        // The same bytes again (a file imported twice) change nothing, and
        // reading both orders back would cost more than the import itself.
        var stored = stored
        if stored.withUTF8({ $0.elementsEqual(imported) }) { return [] }
        guard let before = try? CanonicalCodec.decode(JSONParser.parse(stored)),
              let after = try? CanonicalCodec.decode(JSONParser.parse(imported)) else { return [] }
        return OrderFields.diff(from: before, to: after)
    }

    /// The changes of many replaced orders at once, in their order. Each
    /// reads two orders back, and an import's writer is the busier of its
    /// two threads, so a block of them is spread over every core.
    public static func importChanges(_ pairs: [(stored: String, imported: [UInt8])]) -> [[OrderFields.Difference]] {
        guard pairs.count > 16 else { return pairs.map { importChanges(stored: $0.stored, imported: $0.imported) } }
        var out = [[OrderFields.Difference]](repeating: [], count: pairs.count)
        out.withUnsafeMutableBufferPointer { slots in
            // Each iteration writes its own slot and no other.
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: pairs.count) { i in
                slots[i] = importChanges(stored: pairs[i].stored, imported: pairs[i].imported)
            }
        }
        return out
    }

    /// The fields as JSON, as the stores keep them.
    public static func encode(_ fields: [OrderFields.Difference]) -> String {
        JSONWriter.string(.array(fields.map { d in
            .object(JSONObject([.init("field", .string(d.path)), .init("old", d.old.map { .string($0) } ?? .null),
                                .init("new", d.new.map { .string($0) } ?? .null)]))
        }))
    }

    public static func decode(_ text: String) -> [OrderFields.Difference] {
        ((try? JSONParser.parse(Array(text.utf8)))?.arrayValue ?? []).compactMap { v in
            guard let o = v.objectValue, let path = o["field"]?.stringValue else { return nil }
            return OrderFields.Difference(path: path, old: o["old"]?.stringValue, new: o["new"]?.stringValue)
        }
    }

    public var json: JSONValue {
        .object(JSONObject([
            .init("version", .number(String(version))), .init("at", .string(at)), .init("storeUser", .string(storeUser)),
            .init("osUser", .string(osUser)), .init("source", .string(source)),
            .init("fields", (try? JSONParser.parse(Array(Self.encode(fields).utf8))) ?? .array([])),
        ]))
    }
}

/// An order's history in words: what `docket order history` prints and the
/// console's `h` shows.
public enum HistoryText {
    public static func lines(_ c: OrderChange) -> [String] {
        let who = c.storeUser == c.osUser ? c.osUser : "\(c.storeUser) (OS user \(c.osUser))"
        var out = ["Version \(c.version)  \(c.at)  by \(who)  (\(c.source))"]
        out += c.fields.map { d in "    \(d.path): \(d.old.map { "\"\($0)\"" } ?? "(absent)") → \(d.new.map { "\"\($0)\"" } ?? "(absent)")" }
        // An import of the same order again still makes a version.
        if c.fields.isEmpty { out.append("    no field changed") }
        return out
    }
}

/// A store that says when another process wrote to it (PostgreSQL's
/// `LISTEN`/`NOTIFY`): the console redraws then, instead of polling.
public protocol ChangeNotifying: Sendable {
    /// Calls `onChange` (from any thread) soon after any write to the
    /// store, until the watch is stopped.
    func watchChanges(_ onChange: @escaping @Sendable () -> Void) -> ChangeWatch
}

/// A running watch; `stop` ends it.
public final class ChangeWatch: Sendable {
    let cancel: @Sendable () -> Void
    public init(cancel: @escaping @Sendable () -> Void) { self.cancel = cancel }
    public func stop() { cancel() }
}
