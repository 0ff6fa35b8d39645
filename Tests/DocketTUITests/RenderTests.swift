import DocketCore
import DocketStore
import Foundation
import Testing
@testable import DocketTUI
import DocketTestSupport

func store(_ n: Int, prefix: String = "ORD-") throws -> SQLiteOrderStore {
    let dir = Scratch.folder("tui")
    let s = try SQLiteOrderStore(path: dir.appendingPathComponent("s.sqlite").path)
    var g = OrderGenerator(seed: 4)
    _ = try s.importOrders((0..<n).map { g.order($0, prefix: prefix) })
    return s
}

@Suite struct RenderTests {
    @Test(arguments: [(80, 24), (120, 40)])
    func ordersScreenShowsTheTableAndTheKeys(width: Int, height: Int) throws {
        let runner = EffectRunner(store: try store(300))
        var state = AppState(width: width, height: height)
        runner.start(&state)
        let text = Render.draw(state).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == height)
        #expect(lines[0].hasPrefix("Docket · Orders  300 orders"))
        #expect(lines[1].hasPrefix("EXTERNAL ID"))
        #expect(lines[2].hasPrefix("ORD-0000000"))
        #expect(lines[height - 1].contains("? help"))
        #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= width })
        #expect(Render.draw(state).role(x: 0, y: 2) == .selection)
    }

    @Test func scrollingPagesAndJumpsWalkTheWholeStore() throws {
        let runner = EffectRunner(store: try store(1500))
        var state = AppState(width: 100, height: 30)
        runner.start(&state)
        runner.apply(.key(.char("G")), to: &state)
        #expect(state.orders.selected?.externalId == "ORD-0001499")
        runner.apply(.key(.char("g")), to: &state)
        #expect(state.orders.selected?.externalId == "ORD-0000000")
        for _ in 0..<60 { runner.apply(.key(.pageDown), to: &state) }
        #expect(state.orders.selected?.externalId == "ORD-0001499")
        for _ in 0..<1499 { runner.apply(.key(.up), to: &state) }
        #expect(state.orders.selected?.externalId == "ORD-0000000")
        #expect(state.orders.rows.count <= Reducer.window + 200)
    }

    @Test func searchNarrowsAndEnterOpensTheOrder() throws {
        let runner = EffectRunner(store: try store(200))
        var state = AppState(width: 120, height: 35)
        runner.start(&state)
        runner.apply(.key(.char("/")), to: &state)
        for c in "ORD-0000123" { runner.apply(.key(.char(c)), to: &state) }
        #expect(Render.draw(state).text.split(separator: "\n").last?.hasPrefix("/ORD-0000123") == true)
        runner.apply(.key(.enter), to: &state)
        #expect(state.orders.total == 1)
        runner.apply(.key(.enter), to: &state)
        #expect(state.screen == .order)
        let text = Render.draw(state).text
        #expect(text.contains("Order ORD-0000123"))
        #expect(text.contains("items[0].sku"))
        runner.apply(.key(.escape), to: &state)
        #expect(state.screen == .orders)
        runner.apply(.key(.escape), to: &state)
        #expect(state.orders.query.search == nil)
        #expect(state.orders.total == 200)
    }

    @Test func helpListsTheKeysAndAnyKeyClosesIt() throws {
        let runner = EffectRunner(store: try store(5))
        var state = AppState(width: 80, height: 24)
        runner.start(&state)
        runner.apply(.key(.char("?")), to: &state)
        let text = Render.draw(state).text
        #expect(text.contains("Keys: Orders"))
        #expect(text.contains("search"))
        runner.apply(.key(.down), to: &state)
        #expect(!state.showHelp)
        runner.apply(.key(.char("q")), to: &state)
        #expect(state.quit)
    }

    @Test func aTinyTerminalSaysSoAndRecovers() throws {
        let runner = EffectRunner(store: try store(5))
        var state = AppState(width: 120, height: 35)
        runner.start(&state)
        runner.apply(.key(.resize(width: 24, height: 6)), to: &state)
        #expect(Render.draw(state).text.contains("too small"))
        runner.apply(.key(.resize(width: 120, height: 35)), to: &state)
        #expect(Render.draw(state).text.contains("EXTERNAL ID"))
    }

    @Test func untrustedTextIsEscapedAndWideTextKeepsColumns() throws {
        let s = try store(0)
        var evil = Order(externalId: "E-1")
        var c = Customer()
        c.name = "Evil\u{1b}]0;pwned\u{07}"
        evil.customer = c
        var wide = Order(externalId: "W-1")
        var w = Customer()
        w.name = "王小明😀ab"
        wide.customer = w
        _ = try s.importOrders([evil, wide])
        var state = AppState(width: 120, height: 20)
        let runner = EffectRunner(store: s)
        runner.start(&state)
        let grid = Render.draw(state)
        #expect(!grid.text.contains("\u{1b}"))
        #expect(grid.text.contains("Evil\\u{1B}]0;pwned\\u{7}"))
        let lines = grid.text.split(separator: "\n")
        let wideLine = try #require(lines.first { $0.hasPrefix("W-1") })
        let evilLine = try #require(lines.first { $0.hasPrefix("E-1") })
        // The ITEMS column starts at the same terminal column on both lines.
        func columnOfItems(_ line: Substring) -> Int {
            DisplayWidth.of(String(line.prefix { _ in true }).components(separatedBy: " 0 ").first ?? "")
        }
        #expect(columnOfItems(wideLine) == columnOfItems(evilLine))
    }

    @Test func randomKeysNeverBreakTheState() throws {
        let runner = EffectRunner(store: try store(700))
        var generator = SystemRandomNumberGenerator()
        let keys: [Key] = [.up, .down, .pageUp, .pageDown, .home, .end, .enter, .escape, .backspace, .tab, .left, .right,
                           .char("/"), .char("?"), .char("g"), .char("G"), .char("j"), .char("k"), .char("x"), .char("1"),
                           .resize(width: 30, height: 5), .resize(width: 100, height: 30), .resize(width: 80, height: 24)]
        for _ in 0..<5 {
            var state = AppState(width: 80, height: 24)
            runner.start(&state)
            for _ in 0..<400 {
                runner.apply(.key(keys.randomElement(using: &generator)!), to: &state)
                if state.quit { break }
                #expect(state.orders.rows.isEmpty || state.orders.rows.indices.contains(state.orders.cursor))
                #expect(state.orders.top <= max(state.orders.cursor, 0))
                let grid = Render.draw(state)
                #expect(grid.width == state.width && grid.height == state.height)
            }
        }
    }

    @Test func sortAndFilterFromKeysAndCommands() throws {
        let runner = EffectRunner(store: try store(40))
        var state = AppState(width: 120, height: 30)
        runner.start(&state)
        runner.apply(.key(.char("s")), to: &state)
        #expect(state.orders.query.sort == .orderDate)
        let dates = state.orders.rows.map(\.orderDate)
        #expect(dates == dates.sorted())
        runner.apply(.key(.char("S")), to: &state)
        #expect(state.orders.rows.map(\.orderDate) == dates.sorted().reversed())
        #expect(Render.draw(state).text.contains("sort: date desc"))
        for c in ":outcome nonsense" { runner.apply(.key(.char(c)), to: &state) }
        runner.apply(.key(.enter), to: &state)
        #expect(state.message?.contains("\"nonsense\" is not an outcome") == true)
        for c in ":status closed" { runner.apply(.key(.char(c)), to: &state) }
        runner.apply(.key(.enter), to: &state)
        #expect(state.orders.total == 0)
        #expect(Render.draw(state).text.contains("No orders match: Esc shows every order again."))
        runner.apply(.key(.escape), to: &state)
        #expect(state.orders.total == 40)
    }

    @Test func longFieldPathsAreCutInTheMiddle() {
        #expect(DisplayWidth.middle("items[0].totalShippingPrice.amount", 25) == "items[0].tot…Price.amount")
        #expect(DisplayWidth.middle("items[0].totalShippingPrice.currency", 25) == "items[0].tot…ice.currency")
        #expect(DisplayWidth.middle("short", 25) == "short")
        #expect(DisplayWidth.of(DisplayWidth.middle("王小明王小明王小明王小明", 9)) <= 9)
    }

    @Test func theTableFollowsWhatOtherProcessesWrite() throws {
        let s = try store(1500)
        let runner = EffectRunner(store: s)
        var state = AppState(width: 120, height: 30)
        runner.start(&state)
        // Far down the store, with rows trimmed above the window.
        for _ in 0..<40 { runner.apply(.key(.pageDown), to: &state) }
        let selected = try #require(state.orders.selected?.externalId)
        #expect(!state.orders.atStart)
        // Another docket process: an outcome for the selected order, and a new order.
        let other = try SQLiteOrderStore(path: s.path)
        try other.createBatch(id: "B-OTHER", target: "omnia", dialect: .omnia, externalIds: [selected])
        try other.recordOutcomes(batch: "B-OTHER", target: "omnia", [OrderOutcome(externalId: selected, outcome: .rejected)])
        _ = try other.importOrders([Order(externalId: "ZZZ-NEW")])
        runner.apply(.tick, to: &state)
        #expect(state.orders.total == 1501)
        #expect(state.orders.selected?.externalId == selected)
        #expect(state.orders.selected?.lastOutcome == "rejected")
        let line = try #require(Render.draw(state).text.split(separator: "\n").first { $0.hasPrefix(selected) })
        #expect(line.hasSuffix("rejected@omnia"))
        // Not while typing a search.
        runner.apply(.key(.char("/")), to: &state)
        _ = try other.importOrders([Order(externalId: "ZZZ-NEWER")])
        runner.apply(.tick, to: &state)
        #expect(state.orders.total == 1501)
    }
}

@Suite struct ReadOnlyConsoleTests {
    @Test func aStoreThatMayOnlyBeReadSaysSoOnEveryScreen() throws {
        let s = try store(3)
        let runner = EffectRunner(store: try SQLiteOrderStore(readingOnly: s.path))
        var state = AppState(width: 80, height: 20)
        runner.start(&state)
        #expect(state.readOnly)
        #expect(Render.draw(state).text.split(separator: "\n").first?.hasSuffix("read-only") == true)
        runner.apply(.key(.char("b")), to: &state)
        #expect(Render.draw(state).text.split(separator: "\n").first?.hasSuffix("read-only") == true)
        var writable = AppState(width: 80, height: 20)
        EffectRunner(store: s).start(&writable)
        #expect(!Render.draw(writable).text.contains("read-only"))
    }
}
