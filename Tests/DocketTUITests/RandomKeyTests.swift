import DocketCore
import DocketStore
import Foundation
import Testing
@testable import DocketTUI

/// Random key sequences from every screen: whatever is pressed, the state
/// keeps its invariants and every frame draws.
@Suite struct RandomKeyTests {
    static let keys: [Key] = [.up, .down, .left, .right, .pageUp, .pageDown, .home, .end, .enter, .escape, .backspace, .tab]
        + "/?:gGjkhlqmcbsxtueRrvyfnNL \u{15}a1.-*[]".map { .char($0) }
        + [.char("\u{1b}"), .char("王"), .resize(width: 30, height: 5), .resize(width: 100, height: 30), .resize(width: 80, height: 24)]

    /// How to reach each screen from the orders table.
    static let routes: [(String, [Key])] = [
        ("orders", []),
        ("order", [.down, .enter]),
        ("batches", [.char("b")]),
        ("batch", [.char("b"), .enter]),
        ("pager", [.char("b"), .enter, .tab, .enter]),
        ("compose", [.char("c")]),
        ("errors", [.char("e")]),
        ("fix", [.char(":")] + "set source web".map { .char($0) } + [.enter]),
        ("batch errors", [.char("b"), .enter, .char("e")]),
        ("order pager", [.down, .enter, .char("v")]),
    ]

    func storeWithBatch() throws -> SQLiteOrderStore {
        let s = try store(250)
        try s.createBatch(id: "B1", target: "omnia", dialect: .omnia, externalIds: ["ORD-0000000", "ORD-0000001"])
        let record = RequestRecord(sequence: 1, attempt: 1, method: "PUT", url: "http://127.0.0.1:1/omnia/x",
                                   requestBody: Array(#"{"orders":[]}"#.utf8), status: 400,
                                   responseBody: Array("{\"message\":\"Evil\u{1b}]0;x\u{07}\"}".utf8),
                                   error: nil, startedAt: "2026-11-25T10:00:00Z", milliseconds: 3, orderIds: ["ORD-0000000"])
        try s.recordResponse(batch: "B1", target: "omnia", record, settled: [
            OrderOutcome(externalId: "ORD-0000000", outcome: .rejected, errors: [OrderIssue(code: "x", message: "bad", field: "currency")]),
        ])
        return s
    }

    func checkInvariants(_ s: AppState, _ context: @autoclosure () -> String) {
        let grid = Render.draw(s)
        #expect(grid.width == s.width && grid.height == s.height, "\(context())")
        #expect(!grid.text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "a control character reached the grid: \(context())")
        if !s.orders.rows.isEmpty {
            #expect(s.orders.rows.indices.contains(s.orders.cursor), "\(context())")
            #expect(s.orders.top <= s.orders.cursor, "\(context())")
        }
        #expect(s.batches.cursor >= 0 && (s.visibleBatches.isEmpty || s.batches.cursor < s.visibleBatches.count), "\(context())")
        let batchRows = Reducer.batchRowCount(s)
        #expect(s.batchList.cursor >= 0 && (batchRows == 0 || s.batchList.cursor < batchRows), "\(context())")
        if let view = s.orderView {
            let rows = view.rows.count
            #expect(view.list.cursor >= 0 && (rows == 0 || view.list.cursor < rows), "\(context())")
            #expect(view.list.top <= view.list.cursor, "\(context())")
        }
        #expect(s.targets.isEmpty || s.targets.indices.contains(s.targetCursor), "\(context())")
        let groups = s.errors.visible.count
        #expect(s.errors.list.cursor >= 0 && (groups == 0 || s.errors.list.cursor < groups), "\(context())")
        #expect(s.pager.scroll >= 0 && s.fixScroll >= 0 && s.planScroll >= 0, "\(context())")
        #expect(s.screen != .fix || s.fix != nil, "\(context())")
    }

    @Test(arguments: routes.map(\.0))
    func randomKeysFromEveryScreen(screen: String) throws {
        let route = Self.routes.first { $0.0 == screen }!.1
        let seed = UInt64(screen.unicodeScalars.reduce(7) { $0 &* 31 &+ UInt64($1.value) })
        var random = SeededRandom(seed: seed)
        for run in 0..<4 {
            // Each run from the same store: keys may save edits and send batches.
            let s = try storeWithBatch()
            let runner = EffectRunner(store: s, composer: RecordingComposer(store: s))
            var state = AppState(width: 80, height: 24)
            runner.start(&state)
            for k in route { runner.apply(.key(k), to: &state) }
            #expect(screen.hasSuffix(String(describing: state.screen)))
            var pressed: [Key] = []
            for _ in 0..<300 {
                let key = Self.keys.randomElement(using: &random)!
                pressed.append(key)
                runner.apply(.key(key), to: &state)
                if state.quit { break }
                // Now and then the idle tick: screens reload what other processes wrote.
                if pressed.count % 25 == 0 { runner.apply(.tick, to: &state) }
                checkInvariants(state, "seed \(seed) run \(run) from \(screen) after \(pressed.suffix(12))")
            }
        }
    }
}
