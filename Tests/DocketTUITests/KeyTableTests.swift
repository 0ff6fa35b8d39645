import DocketCore
import DocketStore
import Foundation
import Testing
@testable import DocketTUI

/// Keys and their help are one value: every key a screen acts on is in the
/// table its help and status bar are drawn from, and the README's key
/// tables are written from the same values.
@Suite struct KeyTableTests {
    static let keys: [Key] = [.up, .down, .left, .right, .pageUp, .pageDown, .home, .end, .enter, .escape, .backspace, .tab]
        + "/?:gGjkhlqmcbsxtueRrLvnNfyoSp[] \u{15}".map { .char($0) }

    /// Ways into each screen, and into the moments a screen's keys change.
    static let routes: [(String, [Key])] = [
        ("orders", []),
        ("orders, one marked", [.char("m")]),
        ("order", [.enter]),
        ("order, editing", [.enter, .enter]),
        ("order, changed", [.enter, .down, .down, .enter, .char("x"), .enter]),
        ("errors", [.char("e")]),
        ("errors, marked", [.char("e"), .char("m")]),
        ("fix", [.char(":")] + "set source web".map { .char($0) } + [.enter]),
        ("batches", [.char("b")]),
        ("batch", [.char("b"), .down, .enter]),
        ("batch, filtered", [.char("b"), .down, .enter, .char("/"), .char("f"), .enter]),
        ("requests", [.char("b"), .down, .enter, .tab]),
        ("pager", [.char("b"), .down, .enter, .char("v")]),
        ("compose", [.char("c")]),
        ("search prompt", [.char("/")]),
        ("command prompt", [.char(":")]),
    ]

    @Test(arguments: routes.map(\.0))
    func everyKeyAScreenActsOnIsInItsHelp(route: String) throws {
        let path = Self.routes.first { $0.0 == route }!.1
        let s = try storeWithRefusals()
        let runner = EffectRunner(store: s, composer: RecordingComposer(store: s))
        var state = AppState(width: 100, height: 30)
        runner.start(&state)
        for k in path { runner.apply(.key(k), to: &state) }
        state.message = nil
        let before = Render.draw(state)
        let table = Reducer.table(for: state)
        let listed = table.enabled(in: state)
        for key in Self.keys {
            var after = state
            let effects = Reducer.reduce(&after, .key(key))
            let acted = !effects.isEmpty || Render.draw(after) != before || after.quit || after.showHelp
            if acted {
                #expect(listed.contains { $0.matches(key) }, "\(route): \(key) acts but \(table.title)'s help does not list it")
            }
        }
        // And the help shows every one of them.
        state.showHelp = true
        let help = Render.draw(state).text
        for b in listed.prefix(8) { #expect(help.contains(b.label), "\(route): help lacks \(b.label)") }
    }

    /// The Order screen's help once left out save, undo and the rebase
    /// until they applied; now it lists them, greyed until they do.
    @Test func helpListsKeysThatDoNothingYetGreyed() throws {
        let s = try storeWithRefusals()
        let runner = EffectRunner(store: s, composer: RecordingComposer(store: s))
        var state = AppState(width: 100, height: 40)
        runner.start(&state)
        runner.apply(.key(.enter), to: &state)
        #expect(state.screen == .order)
        state.showHelp = true
        let grid = Render.draw(state)
        let lines = grid.text.components(separatedBy: "\n")
        #expect(lines.first { $0.contains("Keys: Order") }?.contains("greyed") == true)
        for (label, help) in [("s", "review the changes"), ("x", "undo the change to this field"), ("z", "undo the last change"),
                              ("u", "on top of the version someone else saved"), ("d", "remove this item line")] {
            let y = try #require(lines.firstIndex { $0.contains(help) }, "help lacks \(label)")
            let x = try #require(lines[y].range(of: help)).lowerBound.utf16Offset(in: lines[y])
            #expect(grid.role(x: x, y: y) == .helpOff, "\(label) should be greyed: nothing to do with it yet")
        }
        // Keys that work now are not greyed.
        let y = try #require(lines.firstIndex { $0.contains("edit the field") })
        let x = try #require(lines[y].range(of: "edit the field")).lowerBound.utf16Offset(in: lines[y])
        #expect(grid.role(x: x, y: y) == .help)
    }

    @Test func qGoesBackEverywhereButOnOrdersWhereItQuits() throws {
        let s = try storeWithRefusals()
        let runner = EffectRunner(store: s, composer: RecordingComposer(store: s))
        for (route, path) in Self.routes where !route.contains("prompt") && !route.contains("editing") {
            var state = AppState(width: 100, height: 30)
            runner.start(&state)
            for k in path { runner.apply(.key(k), to: &state) }
            let screen = state.screen
            runner.apply(.key(.char("q")), to: &state)
            if screen == .orders {
                #expect(state.quit, "\(route)")
            } else {
                #expect(!state.quit && state.screen != screen || state.orderView?.confirmLeave == true, "\(route): q did not go back")
            }
        }
    }

    @Test func theReadmeKeyTablesAreTheBindings() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let generated = KeyTables.markdown()
        guard let start = text.range(of: KeyTables.begin), let end = text.range(of: KeyTables.end) else {
            Issue.record("README.md has no key tables between \(KeyTables.begin) and \(KeyTables.end)")
            return
        }
        let current = String(text[start.lowerBound..<end.upperBound])
        if ProcessInfo.processInfo.environment["DOCKET_UPDATE_SNAPSHOTS"] == "1", current != generated {
            try text.replacingCharacters(in: start.lowerBound..<end.upperBound, with: generated).write(to: readme, atomically: true, encoding: .utf8)
            return
        }
        #expect(current == generated, "README.md's key tables are not the bindings: DOCKET_UPDATE_SNAPSHOTS=1 swift test rewrites them")
    }

    @Test func promptsStartEmptyWithTheLastTextAsASuggestion() throws {
        let s = try storeWithRefusals()
        let runner = EffectRunner(store: s, composer: RecordingComposer(store: s))
        var state = AppState(width: 100, height: 30)
        runner.start(&state)
        for k in [Key.char("b"), .down, .enter, .char("/")] + "failed".map({ Key.char($0) }) + [.enter] { runner.apply(.key(k), to: &state) }
        // /failed: every failure of the batch.
        #expect(state.visibleOutcomes.map(\.outcome) == Array(repeating: .rejected, count: 7))
        runner.apply(.key(.char("/")), to: &state)
        #expect(state.prompt?.text == "")
        #expect(state.prompt?.suggestion == "failed")
        #expect(Render.draw(state).text.contains("/▏failed"))
        for k in "rejected".map({ Key.char($0) }) { runner.apply(.key(k), to: &state) }
        #expect(state.prompt?.text == "rejected", "typing replaces, never appends to, the last text")
        // Lists filter as you type; Esc in the prompt puts the filter back.
        #expect(state.batchFilter == "rejected")
        runner.apply(.key(.escape), to: &state)
        #expect(state.batchFilter == "failed")
        // Tab takes the suggestion.
        runner.apply(.key(.char("/")), to: &state)
        runner.apply(.key(.tab), to: &state)
        #expect(state.prompt?.text == "failed")
        runner.apply(.key(.enter), to: &state)
        // Esc clears the filter first, and leaves only when there is none.
        runner.apply(.key(.escape), to: &state)
        #expect(state.screen == .batch && state.batchFilter == nil)
        runner.apply(.key(.escape), to: &state)
        #expect(state.screen == .batches)
    }

    @Test func outcomeFailedMeansEveryFailure() throws {
        let s = try storeWithRefusals()
        let runner = EffectRunner(store: s, composer: RecordingComposer(store: s))
        var state = AppState(width: 100, height: 30)
        runner.start(&state)
        for k in [Key.char(":")] + "outcome failed".map({ Key.char($0) }) + [.enter] { runner.apply(.key(k), to: &state) }
        #expect(Set(state.orders.query.outcomes) == ["rejected", "not_saved", "unknown", "skipped"])
        #expect(state.orders.total == 8)
        #expect(Render.draw(state).text.contains("outcome: failed"))
    }

    @Test func openOfAnIdThatNeverExistedSaysSo() throws {
        let s = try storeWithRefusals()
        let runner = EffectRunner(store: s)
        var state = AppState(width: 100, height: 30)
        runner.start(&state)
        for k in [Key.char(":")] + "open NOPE-1".map({ Key.char($0) }) + [.enter] { runner.apply(.key(k), to: &state) }
        #expect(state.screen == .orders)
        #expect(state.message?.contains("There is no order NOPE-1 in the store") == true)
    }
}
