import ArgumentParser
import DocketCore
import DocketStore
import Foundation

struct OrderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order",
        abstract: "Work with one order.",
        subcommands: [Show.self, History.self])

    /// The store, read-only if need be, and the order in it, or why not.
    static func find(_ externalId: String, _ common: CommonOptions) throws -> (any DocketStore, StoredOrder) {
        let store = try common.openStoreForReading()
        guard let stored = try store.order(externalId: externalId) else {
            throw DocketError("there is no order \(externalId) in the store", file: store.location, order: externalId)
        }
        return (store, stored)
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who changed an order, when, and which fields from what to what.",
            discussion: "One entry per saved version after its import: the store's user, the OS user, what saved it (edit, fix, or an import that replaced it) and each field's old and new value.")

        @OptionGroup var common: CommonOptions

        @Argument(help: ArgumentHelp("The order's external id.", valueName: "external-id"))
        var externalId: String

        @Flag(help: "Print the history as a JSON list.")
        var json = false

        func run() throws {
            try reportingErrors {
                let (store, stored) = try OrderCommand.find(externalId, common)
                let history = try store.history(of: externalId)
                var out = try Output()
                if json {
                    out.write(JSONWriter.string(.array(history.map(\.json)), pretty: true) + "\n")
                } else {
                    out.write("Order \(externalId), version \(stored.version) now (imported \(stored.createdAt))\n")
                    if history.isEmpty { out.write("No changes since it was first imported.\n") }
                    for change in history { out.write(HistoryText.lines(change).joined(separator: "\n") + "\n") }
                }
                out.flush()
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every field of one order, unknown and custom ones included.",
            discussion: "Fields are named by their canonical path (items[0].quantity), as validation errors name them.")

        @OptionGroup var common: CommonOptions

        @Argument(help: ArgumentHelp("The order's external id.", valueName: "external-id"))
        var externalId: String

        @Flag(help: "Print the order as JSON: the canonical order and what the store knows of it.")
        var json = false

        func run() throws {
            try reportingErrors {
                let (_, stored) = try OrderCommand.find(externalId, common)
                if json {
                    print(JSONWriter.string(Self.json(stored), pretty: true))
                } else {
                    print(Self.text(stored))
                }
            }
        }

        static func json(_ s: StoredOrder) -> JSONValue {
            func opt(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }
            return .object(JSONObject([
                .init("order", CanonicalCodec.encode(s.order)), .init("version", .number(String(s.version))),
                .init("lastOutcome", opt(s.lastOutcome)), .init("lastTarget", opt(s.lastTarget)),
                .init("createdAt", .string(s.createdAt)), .init("updatedAt", .string(s.updatedAt)),
                .init("targets", .array(s.targets.map { t in
                    .object(JSONObject([
                        .init("target", .string(t.target)), .init("outcome", .string(t.outcome.rawValue)),
                        .init("batch", .string(t.batch)), .init("version", .number(String(t.version))),
                        .init("at", .string(t.at)), .init("note", opt(t.note(currentVersion: s.version))),
                    ]))
                })),
            ]))
        }

        static func text(_ s: StoredOrder) -> String {
            let o = s.order
            var lines: [String] = []
            var head = "Order \(o.externalId)  \(o.status.rawValue)  version \(s.version)"
            if let d = o.importedFrom { head += "  imported from \(d.displayName)" }
            lines.append(head)
            lines.append("Created \(s.createdAt)  Updated \(s.updatedAt)")
            if s.targets.isEmpty { lines.append("Never sent.") }
            // Each target's latest word, and whether it still holds.
            for t in s.targets {
                var line = "\(SafeText.escape(t.target)): \(t.outcome.rawValue) (version \(t.version), batch \(t.batch), \(t.at))"
                if let note = t.note(currentVersion: s.version) { line += "; \(note)" }
                lines.append(line)
            }
            if !o.status.isEditable { lines.append("Read-only: only OPEN orders can be edited.") }
            let fields = OrderFields.flatten(o).filter { !["externalId", "status", "importedFrom"].contains($0.path) }
            let width = min(44, fields.map { DisplayWidth.of($0.path) }.max() ?? 0)
            var section: String? = nil
            for f in fields {
                // Plain fields together; each object, list or item line its own block.
                let nested = f.path.contains(".") || f.path.contains("[")
                let top = !nested ? "" : f.path.hasPrefix("items[") ? String(f.path.prefix(through: f.path.firstIndex(of: "]")!))
                    : String(f.path.prefix { $0 != "." && $0 != "[" })
                if top != section {
                    lines.append("")
                    section = top
                }
                let value = f.value.isEmpty ? "\"\" (empty)" : SafeText.escape(f.value)
                lines.append(DisplayWidth.fit(SafeText.escape(f.path), width) + "  " + value)
            }
            return lines.map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }.joined(separator: "\n")
        }
    }
}
