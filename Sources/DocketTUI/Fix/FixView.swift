import DocketCore

/// The preview of a bulk fix.
enum FixView {
    static func lines(in area: Rect) -> Int { max(1, area.height - 1) }

    /// Every line of the preview: per order, each field's old and new value
    /// and what the target's rules say of the result.
    static func text(_ fix: FixPreview) -> [(String, Role)] {
        fix.report.map { line in
            let role: Role = switch line.kind {
            case .summary: .normal
            case .note, .unchecked, .readOnly: .dim
            case .passes: .header
            case .fails: .fieldIssue
            case .field: .fieldChanged
            }
            return (line.text, role)
        }
    }

    static func lineCount(_ s: AppState) -> Int { s.fix.map { text($0).count } ?? 0 }

    static func draw(_ s: AppState, into g: inout Grid, area: Rect) {
        g.fill(y: area.y, role: .title)
        guard let fix = s.fix else { return }
        g.put("Docket · Fix preview: \(fix.fix.description)", x: area.x, y: area.y, role: .title, maxWidth: area.width)
        for (i, (line, role)) in text(fix).dropFirst(s.fixScroll).prefix(lines(in: area)).enumerated() {
            g.put(line, x: area.x, y: area.y + 1 + i, role: role, maxWidth: area.width)
        }
    }
}
