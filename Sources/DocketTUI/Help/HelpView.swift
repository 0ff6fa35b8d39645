import DocketCore

/// `?`: every key of the table in force, and on the Orders and Errors
/// screens the `:` commands too. Keys that do nothing here right now (save
/// with nothing changed, remove on a field that is not an item line) are
/// listed greyed rather than left out, so help teaches the whole screen.
enum HelpView {
    static func draw(_ s: AppState, into g: inout Grid, area: Rect) {
        let table = Reducer.table(for: s)
        let enabled = table.enabled(in: s)
        // A key with two bindings (edit, or say why not) is listed once.
        let keys: [(String, String, Bool)] = table.bindings.compactMap { b in
            let on = enabled.contains { $0.label == b.label && $0.help == b.help }
            if !on && enabled.contains(where: { $0.label == b.label }) { return nil }
            return (b.label, b.help, on)
        }
        let anyOff = keys.contains { !$0.2 }
        let commands = [.orders, .errors].contains(s.screen) ? Reducer.commands.map { ($0.usage, $0.help) } : []
        let width = min(area.width - 2, 100)
        let keyLines = keys.count
        let lines = keyLines + (commands.isEmpty ? 0 : commands.count + 1)
        let height = min(area.height - 1, lines + 3)
        let x0 = area.x + (area.width - width) / 2, y0 = area.y + max(1, (area.height - height) / 2)
        for y in y0..<(y0 + height) { g.fill(y: y, from: x0, width: width, role: .help) }
        g.put(" Keys: \(table.title)   (any key closes\(anyOff ? "; greyed: not here, now" : ""))", x: x0, y: y0, role: .help, maxWidth: width)
        let last = y0 + height - 1
        let keyWidth = min(22, max(8, keys.map { DisplayWidth.of($0.0) }.max() ?? 8) + 1)
        for (i, (key, label, on)) in keys.enumerated() {
            let y = y0 + 2 + i
            guard y <= last else { break }
            g.put(key, x: x0 + 1, y: y, role: on ? .statusKey : .helpOff, maxWidth: keyWidth - 1)
            g.put(label, x: x0 + 1 + keyWidth, y: y, role: on ? .help : .helpOff, maxWidth: width - keyWidth - 2)
        }
        let commandWidth = min(26, max(8, commands.map { DisplayWidth.of($0.0) }.max() ?? 8) + 1)
        for (i, (command, label)) in commands.enumerated() {
            let y = y0 + 3 + keyLines + i
            guard y <= last else { break }
            g.put(command, x: x0 + 1, y: y, role: .statusKey, maxWidth: commandWidth - 1)
            g.put(label, x: x0 + 1 + commandWidth, y: y, role: .help, maxWidth: width - commandWidth - 2)
        }
    }
}
