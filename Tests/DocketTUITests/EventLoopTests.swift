import DocketCore
import DocketStore
import Foundation
import Testing
@testable import DocketTUI

/// A store whose listings wait at a gate: the slow store call a key must
/// never wait for.
final class GatedStore: OrderStoring, @unchecked Sendable {
    let inner: SQLiteOrderStore
    let gate = DispatchSemaphore(value: 0)
    init(_ inner: SQLiteOrderStore) { self.inner = inner }

    func importOrders(_ produce: (_ emit: (Order, _ canonicalJSON: [UInt8]?) throws -> Void) throws -> Void) throws -> ImportSummary {
        try inner.importOrders(produce)
    }
    func order(externalId: String) throws -> StoredOrder? { try inner.order(externalId: externalId) }
    func page(_ query: OrderQuery, after: PageCursor?, limit: Int) throws -> [OrderSummary] {
        gate.wait()
        gate.signal()
        return try inner.page(query, after: after, limit: limit)
    }
    func page(_ query: OrderQuery, from: PageCursor, limit: Int) throws -> [OrderSummary] { try inner.page(query, from: from, limit: limit) }
    func count(_ query: OrderQuery) throws -> Int { try inner.count(query) }
    func save(_ order: Order, expectedVersion: Int, source: String) throws -> StoredOrder { try inner.save(order, expectedVersion: expectedVersion, source: source) }
    func forEachOrder(_ query: OrderQuery, _ body: (StoredOrder) throws -> Void) throws { try inner.forEachOrder(query, body) }
}

/// Gives its keys at once, idle or not, then opens the gate.
final class ImpatientBackend: Backend {
    var keys: [Key]
    var frames: [Grid] = []
    var framesBeforeRelease: [Grid]?
    let store: GatedStore
    init(keys: [Key], store: GatedStore) {
        self.keys = keys
        self.store = store
    }
    var size: (width: Int, height: Int) { (100, 20) }
    func draw(_ grid: Grid) { frames.append(grid) }
    func readKey(timeout: Int, idle: Bool) -> Key? {
        if !keys.isEmpty { return keys.removeFirst() }
        if framesBeforeRelease == nil {
            framesBeforeRelease = frames
            store.gate.signal()
        }
        return nil
    }
    func dropTypedAhead() {}
    var finished: Bool { keys.isEmpty && framesBeforeRelease != nil }
}

/// A composer whose plans wait at a gate: a million-order selection takes
/// seconds to plan.
final class GatedComposer: Composer, @unchecked Sendable {
    let inner: RecordingComposer
    let gate = DispatchSemaphore(value: 0)
    init(_ inner: RecordingComposer) { self.inner = inner }
    var targets: [TargetChoice] { inner.targets }
    var sending: Int { 0 }
    func plan(target: String, query: OrderQuery) -> Result<ComposePlan, DocketError> {
        gate.wait()
        gate.signal()
        return inner.plan(target: target, query: query)
    }
    func request(_ index: Int, of plan: ComposePlan) -> Result<String, DocketError> { inner.request(index, of: plan) }
    func send(_ plan: ComposePlan) -> Result<SendStarted, DocketError> { inner.send(plan) }
}

/// Gives its keys, then waits (10 s at most) for a frame showing `awaited`
/// before it opens the composer's gate.
final class PlanGateBackend: Backend {
    var keys: [Key]
    var frames: [Grid] = []
    let gate: DispatchSemaphore
    let awaited: String
    var seenBeforeRelease: Bool?
    let deadline = Date().addingTimeInterval(10)
    init(keys: [Key], gate: DispatchSemaphore, awaited: String) {
        self.keys = keys
        self.gate = gate
        self.awaited = awaited
    }
    var size: (width: Int, height: Int) { (100, 20) }
    func draw(_ grid: Grid) { frames.append(grid) }
    func readKey(timeout: Int, idle: Bool) -> Key? {
        // The first key once the table is on screen, then one a frame.
        if !keys.isEmpty {
            guard frames.last?.text.contains("ORD-0000000") == true || frames.count > 1 && keys.count < 3 else { return nil }
            return keys.removeFirst()
        }
        if seenBeforeRelease == nil {
            if frames.last?.text.contains(awaited) == true {
                seenBeforeRelease = true
                gate.signal()
            } else if Date() > deadline {
                seenBeforeRelease = false
                gate.signal()
            }
        }
        return nil
    }
    func dropTypedAhead() {}
    var finished: Bool { keys.isEmpty && seenBeforeRelease != nil }
}

@Suite struct EventLoopTests {
    /// Compose on a huge selection, left at once: the plan goes on apart,
    /// and the jump to the end is drawn without waiting for it.
    @Test func aLongPlanNeverHoldsUpThePages() throws {
        let s = try DocketTUITests.store(300)
        let composer = GatedComposer(RecordingComposer(store: s))
        let backend = PlanGateBackend(keys: [.char("c"), .escape, .char("G")], gate: composer.gate, awaited: "ORD-0000299")
        let loop = EventLoop(backend: backend, runner: EffectRunner(store: s, composer: composer))
        let state = loop.run(AppState(width: 100, height: 20))
        #expect(backend.seenBeforeRelease == true, "the last page waited for the plan")
        // The plan came back after Compose was left: it is not taken.
        #expect(state.screen == .orders)
        #expect(state.plan == nil)
    }

    @Test func aSlowStoreCallNeverDelaysAKey() throws {
        let store = GatedStore(try DocketTUITests.store(50))
        let backend = ImpatientBackend(keys: [.char("b")], store: store)
        let loop = EventLoop(backend: backend, runner: EffectRunner(store: store))
        let state = loop.run(AppState(width: 100, height: 20))
        // The orders' first page was still loading when b was read: the
        // Batches screen was drawn all the same, before the store answered.
        let early = try #require(backend.framesBeforeRelease)
        #expect(early.first?.text.contains("loading…") == true)
        #expect(early.contains { $0.text.contains("Docket · Batches") })
        #expect(state.screen == .batches)
        #expect(state.orders.total == 50, "the page came back later and was taken")
    }

    @Test func theTestBackendRecordsEveryFrameOfAWalk() throws {
        let s = try storeWithRefusals()
        let keys: [Key] = [.char("e"), .char("m")] + [Key.char(":")] + "replace items[*].productId RETIRED-33 SKU-9".map { .char($0) } + [.enter, .char("y")]
        let backend = TestBackend(width: 100, height: 30, keys: keys)
        let loop = EventLoop(backend: backend, runner: EffectRunner(store: s, composer: RecordingComposer(store: s)))
        var logged: [String] = []
        loop.frameLog = { kind, _ in logged.append(kind) }
        let state = loop.run(AppState(width: 100, height: 30))
        #expect(backend.frames.contains { $0.text.contains("Fix preview") })
        #expect(backend.lastFrame?.text.contains("Saved 4 orders") == true)
        #expect(state.screen == .errors)
        #expect(logged.first == "first")
        #expect(logged.contains("typing"))
    }
}
