import DocketCore
import DocketStore
import Foundation
import Testing
@testable import DocketTUI

/// Every screen drawn at 60×15, 80×24 and 120×40, compared with the text of
/// the cell grid and the role of every cell, kept in `Snapshots/`. A missing snapshot is written and the
/// test fails, so a new one is looked at before it is committed;
/// `DOCKET_UPDATE_SNAPSHOTS=1 swift test` rewrites them all after a change
/// to a screen that was meant.
@Suite struct SnapshotTests {
    static let sizes = [(60, 15), (80, 24), (120, 40)]
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    /// One letter per role, so a snapshot shows what each cell is, not
    /// only what it says.
    static func letter(_ role: Role) -> Character {
        switch role {
        case .normal: "."
        case .header: "h"
        case .selection: "S"
        case .statusBar: "b"
        case .statusKey: "k"
        case .title: "T"
        case .dim: "d"
        case .error: "E"
        case .help: "?"
        case .helpOff: "/"
        case .outcomeAccepted: "a"
        case .outcomeRejected: "r"
        case .outcomeOther: "o"
        case .fieldChanged: "c"
        case .fieldIssue: "i"
        case .marked: "m"
        case .input: "n"
        }
    }

    static func roles(_ g: Grid) -> String {
        (0..<g.height).map { y in String((0..<g.width).map { letter(g.role(x: $0, y: y)) }) }.joined(separator: "\n")
    }

    /// `stamps`: times the store wrote (now) read as one fixed time.
    func check(_ state: AppState, _ name: String, stamps: Bool = false) {
        let grid = Render.draw(state)
        var text = grid.text + "\n-- roles --\n" + Self.roles(grid) + "\n"
        if stamps { text = text.replacing(/\d{4}-\d\d-\d\dT[\d:]*Z?/) { String("2026-11-26T09:00:00Z".prefix($0.output.count)) } }
        let file = Self.folder.appendingPathComponent("\(name)-\(state.width)x\(state.height).txt")
        let update = ProcessInfo.processInfo.environment["DOCKET_UPDATE_SNAPSHOTS"] == "1"
        guard !update, let expected = try? String(contentsOf: file, encoding: .utf8) else {
            try? text.write(to: file, atomically: true, encoding: .utf8)
            if !update { Issue.record("no snapshot \(file.lastPathComponent) yet; written, look at it and commit it") }
            return
        }
        #expect(text == expected, "\(file.lastPathComponent) differs:\n\(text)")
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == state.height)
        #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= state.width })
    }

    static func targets() -> [TargetChoice] {
        [TargetChoice(name: "cropster", dialect: .cropster), TargetChoice(name: "omnia", dialect: .omnia)]
    }

    func ordersState(_ w: Int, _ h: Int, _ store: SQLiteOrderStore) -> (EffectRunner, AppState) {
        let runner = EffectRunner(store: store)
        var state = AppState(width: w, height: h)
        runner.start(&state)
        state.targets = Self.targets()
        return (runner, state)
    }

    func keys(_ keys: [Key], _ runner: EffectRunner, _ state: inout AppState) {
        for k in keys { runner.apply(.key(k), to: &state) }
    }

    func chars(_ text: String) -> [Key] { text.map { .char($0) } }

    @Test(arguments: sizes)
    func orders(width: Int, height: Int) throws {
        let s = try store(300)
        var (runner, state) = ordersState(width, height, s)
        check(state, "orders")
        keys([.down, .down, .char("m"), .char("m")], runner, &state)
        keys([.char(":")] + chars("status OPEN") + [.enter], runner, &state)
        check(state, "orders-filtered-marked")
        keys([.char("/")] + chars("ORD-00001"), runner, &state)
        check(state, "orders-search-typing")
        keys([.escape, .char("?")], runner, &state)
        check(state, "orders-help")
    }

    func orderState(_ w: Int, _ h: Int, status: OrderStatus = .open) throws -> (EffectRunner, AppState) {
        let s = try store(0)
        var g = OrderGenerator(seed: 11)
        var o = g.order(7, prefix: "SNAP-")
        o.currency = "EURO"
        o.status = status
        _ = try s.importOrders([o])
        try s.createBatch(id: "B20261125T101500-snap01", target: "omnia", dialect: .omnia, externalIds: [o.externalId])
        try s.recordOutcomes(batch: "B20261125T101500-snap01", target: "omnia", [
            OrderOutcome(externalId: o.externalId, outcome: .rejected,
                         errors: [OrderIssue(code: "unknown_product", message: "not a product of contract qbcxvb", field: "items[0].productId")]),
        ])
        var (runner, state) = ordersState(w, h, s)
        keys([.enter], runner, &state)
        return (runner, state)
    }

    @Test(arguments: sizes)
    func order(width: Int, height: Int) throws {
        var (runner, state) = try orderState(width, height)
        check(state, "order")
        let rows = try #require(state.orderView?.rows)
        let currency = try #require(rows.firstIndex { $0.path == "currency" })
        keys(Array(repeating: .down, count: currency) + [.enter, .backspace], runner, &state)
        check(state, "order-editing")
        keys([.enter, .char("?")], runner, &state)
        check(state, "order-help")
        (runner, state) = try orderState(width, height, status: .closed)
        check(state, "order-read-only")
    }

    static func batch() -> (BatchSummary, BatchReport, [RequestRecord]) {
        let summary = BatchSummary(id: "B20261125T101500-snap02", target: "omnia", dialect: .omnia, createdAt: "2026-11-25T10:15:00Z",
                                   finishedAt: "2026-11-25T10:15:02Z", orderCount: 4,
                                   counts: [.accepted: 2, .rejected: 1, .skipped: 1])
        let report = BatchReport(summary: summary, outcomes: [
            OrderOutcome(externalId: "DEMO-0000001", outcome: .accepted, remoteIds: ["o-1"]),
            OrderOutcome(externalId: "DEMO-0000021", outcome: .skipped,
                         errors: [OrderIssue(code: "range", message: "must be at least 1", field: "items[0].quantity")]),
            OrderOutcome(externalId: "DEMO-0000033", outcome: .rejected,
                         errors: [OrderIssue(code: "unknown_product", message: "RETIRED-33 is not a product of contract qbcxvb", field: "items[0].productId"),
                                  OrderIssue(code: "unknown_product", message: "RETIRED-34 is not a product", field: "items[1].productId")]),
            OrderOutcome(externalId: "DEMO-0000034", outcome: .accepted, remoteIds: ["o-2"]),
        ])
        let request = RequestRecord(sequence: 1, attempt: 1, method: "PUT", url: "http://127.0.0.1:8080/omnia/api/v3/vendor/contracts/qbcxvb/orders",
                                    requestBody: Array(#"{"version":"3","orders":[{"orderId":"DEMO-0000033","currency":"EUR"}]}"#.utf8),
                                    status: 400, responseBody: Array(#"{"errors":[{"orderId":"DEMO-0000033","message":"unknown item"}]}"#.utf8),
                                    error: nil, startedAt: "2026-11-25T10:15:01Z", milliseconds: 14, orderIds: ["DEMO-0000033"])
        return (summary, report, [request])
    }

    @Test(arguments: sizes)
    func batches(width: Int, height: Int) throws {
        var (runner, state) = ordersState(width, height, try store(0))
        let (summary, report, requests) = Self.batch()
        state.screen = .batches
        var running = summary
        running.id = "B20261125T102000-snap03"
        running.finishedAt = nil
        running.counts = [.accepted: 1, .pending: 3]
        state.batches.items = [running, summary]
        check(state, "batches")
        state.screen = .batch
        state.batch = BatchReport(summary: running, outcomes: [
            OrderOutcome(externalId: "DEMO-0000001", outcome: .accepted, remoteIds: ["o-1"]),
        ] + (2...4).map { OrderOutcome(externalId: "DEMO-000000\($0)", outcome: .pending) })
        check(state, "batch-sending")
        state.batch = report
        state.batchRequests = requests
        check(state, "batch-outcomes")
        keys([.char("/")] + chars("rejected") + [.enter], runner, &state)
        check(state, "batch-outcomes-filtered")
        keys([.char("/"), .char("\u{15}"), .enter, .tab], runner, &state)
        check(state, "batch-requests")
        // The store here holds no such batch: the request comes as loaded.
        state.screen = .pager
        state.pager.returnTo = .batch
        runner.apply(.exchangeLoaded(requests[0]), to: &state)
        check(state, "exchange")
    }

    @Test(arguments: sizes)
    func compose(width: Int, height: Int) throws {
        var (_, state) = ordersState(width, height, try store(0))
        state.screen = .compose
        state.targetCursor = 1
        _ = Reducer.reduce(&state, .planned(ComposePlan(target: "omnia", dialect: .omnia, query: OrderQuery(), orderCount: 120,
                                                                 requests: [(0..<119).map { String(format: "DEMO-%07d", $0) }], skipped: [
            OrderOutcome(externalId: "DEMO-0000041", outcome: .skipped,
                         errors: [OrderIssue(code: "format", message: "\"EURO\" must be an ISO 4217 currency code", field: "currency")]),
        ], firstRequest: "{\n  \"version\": \"3\",\n  \"orders\": [\n    {\n      \"orderId\": \"DEMO-0000000\"\n    }\n  ]\n}")))
        check(state, "compose")
    }

    @Test(arguments: sizes)
    func errorsFixAndPager(width: Int, height: Int) throws {
        let s = try storeWithRefusals()
        let runner = EffectRunner(store: s, composer: RecordingComposer(store: s))
        var state = AppState(width: width, height: height)
        runner.start(&state)
        keys([.char("e")], runner, &state)
        // The store dates its outcomes now: the groups as if all were
        // recorded at one time, largest first.
        let fixed = state.errors.groups.map { g in
            var g = g
            g.newest = "2026-11-26T09:00:00Z"
            return g
        }.sorted { ($0.count, $1.id) > ($1.count, $0.id) }
        _ = Reducer.reduce(&state, .failuresLoaded(fixed))
        check(state, "errors")
        keys([.char("m"), .char("?")], runner, &state)
        check(state, "errors-help")
        keys([.escape, .up, .char(":")] + chars("replace items[*].productId RETIRED-33 SKU-9"), runner, &state)
        check(state, "errors-command-typing")
        keys([.enter], runner, &state)
        check(state, "fix-preview")
        keys([.escape, .char("v")], runner, &state)
        check(state, "pager-group")
        keys([.escape, .escape, .escape, .char("b"), .down, .enter, .char("v")], runner, &state)
        check(state, "pager-outcome", stamps: true)
        keys([.escape, .char("/")], runner, &state)
        check(state, "batch-filter-suggested", stamps: true)
    }

    @Test func tooSmall() throws {
        var (runner, state) = ordersState(120, 40, try store(3))
        keys([.resize(width: 30, height: 6)], runner, &state)
        check(state, "too-small")
    }
}
