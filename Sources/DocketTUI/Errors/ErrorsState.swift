import DocketCore

/// The Errors view: the failures of a view or a batch grouped by cause
/// (target, vendor code, field, message without its values), newest first.
public struct ErrorsState: Sendable {
    public enum Source: Sendable, Equatable {
        /// The Orders view's query.
        case view(OrderQuery)
        case batch(String)
    }

    public var source: Source = .view(OrderQuery())
    public var groups: [RefusalGroup] = []
    public var list = ListState<Int>()
    /// Groups marked with `m`, by id: a bulk fix takes their orders.
    public var marked: Set<String> = []
    /// `/` as typed: only groups whose words have this.
    public var filter: String?
    public var loading = false
    /// Where Esc goes back to.
    public var returnTo: AppState.Screen = .orders

    public var visible: [RefusalGroup] {
        guard let f = filter?.lowercased(), !f.isEmpty else { return groups }
        return groups.filter { g in
            [g.target, g.code, g.field, g.pattern, g.example].contains { $0.lowercased().contains(f) }
        }
    }

    public var selected: RefusalGroup? {
        let v = visible
        return v.indices.contains(list.cursor) ? v[list.cursor] : nil
    }

    /// The orders a bulk fix takes here: the marked groups', else the
    /// selected group's.
    public var fixOrders: [String] {
        let chosen = marked.isEmpty ? (selected.map { [$0] } ?? []) : groups.filter { marked.contains($0.id) }
        var seen = Set<String>()
        return chosen.flatMap(\.orders).filter { seen.insert($0).inserted }
    }

    /// The target those groups are at, when it is one.
    public var fixTarget: String? {
        let chosen = marked.isEmpty ? (selected.map { [$0] } ?? []) : groups.filter { marked.contains($0.id) }
        let targets = Set(chosen.map(\.target))
        return targets.count == 1 ? targets.first : nil
    }
}
