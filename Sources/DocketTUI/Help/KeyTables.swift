import DocketCore

/// The README's key tables, written from the key tables themselves.
public enum KeyTables {
    public static let begin = "<!-- key tables: written by the tests from Sources/DocketTUI (DOCKET_UPDATE_SNAPSHOTS=1 rewrites) -->"
    public static let end = "<!-- end of key tables -->"

    public static func markdown() -> String {
        var out = [begin]
        for table in Reducer.allTables {
            out.append("")
            out.append("**\(table.title)**")
            out.append("")
            out.append("| Key | What it does |")
            out.append("| --- | --- |")
            for b in table.bindings {
                out.append("| `\(b.label.replacingOccurrences(of: "|", with: "\\|"))` | \(b.help) |")
            }
        }
        out.append("")
        out.append("**Commands** (after `:`)")
        out.append("")
        out.append("| Command | What it does |")
        out.append("| --- | --- |")
        for c in Reducer.commands { out.append("| `\(c.usage)` | \(c.help) |") }
        out.append(end)
        return out.joined(separator: "\n")
    }
}
