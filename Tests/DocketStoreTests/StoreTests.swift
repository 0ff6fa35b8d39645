import DocketCore
import DocketStore
import Foundation
import Testing
import DocketTestSupport

func temporaryStore() throws -> SQLiteOrderStore {
    let dir = Scratch.folder("store")
    return try SQLiteOrderStore(path: dir.appendingPathComponent("docket.sqlite").path)
}

func generated(_ n: Int, seed: UInt64 = 1, prefix: String = "ORD-") -> [Order] {
    var g = OrderGenerator(seed: seed)
    return (0..<n).map { g.order($0, prefix: prefix) }
}

@Suite struct StoreTests {
    @Test func importedOrdersReadBackUnchanged() throws {
        let store = try temporaryStore()
        let orders = generated(20)
        let summary = try store.importOrders(orders)
        #expect(summary.added == 20)
        for o in orders {
            let stored = try #require(try store.order(externalId: o.externalId))
            #expect(stored.order == o)
            #expect(stored.version == 1)
        }
        #expect(try store.count(OrderQuery()) == 20)
    }

    @Test func reimportReplacesOpenOrdersAndLeavesOthers() throws {
        let store = try temporaryStore()
        var orders = generated(3)
        orders[1].status = .closed
        _ = try store.importOrders(orders)
        var changed = orders
        for i in changed.indices { changed[i].source = "changed"; changed[i].status = .open }
        let summary = try store.importOrders(changed)
        #expect(summary.replaced == 2)
        #expect(summary.keptNotOpen == [orders[1].externalId])
        #expect(try store.order(externalId: orders[0].externalId)?.order.source == "changed")
        #expect(try store.order(externalId: orders[0].externalId)?.version == 2)
        let kept = try #require(try store.order(externalId: orders[1].externalId))
        #expect(kept.order.source == orders[1].source)
        #expect(kept.order.status == .closed)
    }

    @Test func aFailingImportKeepsNothing() throws {
        let store = try temporaryStore()
        let orders = generated(10)
        struct Broken: Error {}
        #expect(throws: Broken.self) {
            try store.importOrders { emit in
                for (i, o) in orders.enumerated() {
                    if i == 7 { throw Broken() }
                    try emit(o, nil)
                }
            }
        }
        #expect(try store.count(OrderQuery()) == 0)
    }

    @Test(arguments: OrderSort.allCases)
    func keysetPagesWalkEveryOrderOnce(sort: OrderSort) throws {
        let store = try temporaryStore()
        let orders = generated(257)
        _ = try store.importOrders(orders)
        for descending in [false, true] {
            let q = OrderQuery(sort: sort, descending: descending)
            var seen: [OrderSummary] = []
            var cursor: PageCursor?
            while true {
                let page = try store.page(q, after: cursor, limit: 50)
                if page.isEmpty { break }
                seen += page
                cursor = page.last!.cursor(sort)
            }
            #expect(seen.count == 257)
            #expect(Set(seen.map(\.externalId)).count == 257)
            let keys = seen.map { ($0.sortValue(sort), $0.externalId) }
            let sorted = keys.sorted { descending ? ($0.0, $0.1) > ($1.0, $1.1) : ($0.0, $0.1) < ($1.0, $1.1) }
            #expect(keys.map(\.1) == sorted.map(\.1))
        }
    }

    @Test func aBoundedCountStopsAtItsLimit() throws {
        let store = try temporaryStore()
        _ = try store.importOrders(generated(50))
        #expect(try store.count(OrderQuery(), atMost: 10) == 10)
        #expect(try store.count(OrderQuery(), atMost: 500) == 50)
        #expect(try store.count(OrderQuery(ids: ["ORD-0000003", "ORD-9"]), atMost: 10) == 1)
    }

    @Test func aBatchsRequestsListWithoutBodiesAndOneWithThem() throws {
        let store = try temporaryStore()
        _ = try store.importOrders(generated(2))
        try store.createBatch(id: "B", target: "t", dialect: .cropster, externalIds: ["ORD-0000000"])
        for attempt in 1...2 {
            try store.recordResponse(batch: "B", target: "t", RequestRecord(
                sequence: 1, attempt: attempt, method: "POST", url: "http://x/y", requestBody: Array("{\"try\":\(attempt)}".utf8),
                status: 503, responseBody: Array("busy \(attempt)".utf8), error: nil, startedAt: "2026-11-25T00:00:00Z",
                milliseconds: 5, orderIds: ["ORD-0000000"]), settled: [])
        }
        let list = try store.requests(batch: "B", withBodies: false)
        #expect(list.map(\.attempt) == [1, 2])
        #expect(list.allSatisfy { $0.requestBody.isEmpty && $0.responseBody.isEmpty && $0.status == 503 })
        let second = try #require(try store.request(batch: "B", sequence: 1, attempt: 2))
        #expect(String(decoding: second.requestBody, as: UTF8.self) == "{\"try\":2}")
        #expect(String(decoding: second.responseBody, as: UTF8.self) == "busy 2")
        #expect(try store.request(batch: "B", sequence: 9, attempt: 1) == nil)
    }

    @Test func aFinishedBatchKeepsItsCountsAndAnUnfinishedOneIsCounted() throws {
        let store = try temporaryStore()
        _ = try store.importOrders(generated(3))
        let ids = ["ORD-0000000", "ORD-0000001", "ORD-0000002"]
        try store.createBatch(id: "B", target: "t", dialect: .cropster, externalIds: ids)
        try store.recordOutcomes(batch: "B", target: "t", [OrderOutcome(externalId: ids[0], outcome: .accepted)])
        #expect(try store.batches().first?.counts == [.accepted: 1, .pending: 2])
        try store.recordOutcomes(batch: "B", target: "t", [OrderOutcome(externalId: ids[1], outcome: .rejected),
                                                           OrderOutcome(externalId: ids[2], outcome: .unknown)])
        try store.finishBatch("B")
        let finished = [Outcome.accepted: 1, .rejected: 1, .unknown: 1]
        #expect(try store.batches().first?.counts == finished)
        // Read from what was kept at the finish, not counted again.
        try store.recordOutcomes(batch: "B", target: "t", [OrderOutcome(externalId: ids[2], outcome: .accepted)])
        #expect(try store.batches().first?.counts == finished)
        #expect(try store.batch("B")?.summary.counts == finished)
    }

    @Test func searchFindsByIdCustomerAndSku() throws {
        let store = try temporaryStore()
        var a = Order(externalId: "PRC-ORD-101")
        var item = OrderItem()
        item.sku = "ETH-250G-WB"
        item.quantity = 1
        a.items = [item]
        var c = Customer()
        c.name = "Zoë Müller"
        a.customer = c
        let b = Order(externalId: "OTHER-1")
        _ = try store.importOrders([a, b])
        for text in ["PRC-ORD", "prc-ord-101", "ETH-250G", "müller", "Zoe", "zoë mül"] {
            #expect(try store.page(OrderQuery(search: text), after: nil, limit: 10).map(\.externalId) == ["PRC-ORD-101"], "\(text)")
        }
        #expect(try store.page(OrderQuery(search: "\"); DROP"), after: nil, limit: 10).isEmpty)
    }

    @Test func filtersCombine() throws {
        let store = try temporaryStore()
        var orders = generated(10)
        orders[2].status = .closed
        orders[5].status = .cancelled
        _ = try store.importOrders(orders)
        #expect(try store.count(OrderQuery(statuses: [.open])) == 8)
        #expect(try store.count(OrderQuery(statuses: [.closed, .cancelled])) == 2)
        #expect(try store.count(OrderQuery(outcomes: ["none"])) == 10)
        #expect(try store.count(OrderQuery(ids: [orders[0].externalId, "nope"])) == 1)
    }

    @Test func staleSavesAreRefusedAndNothingIsLost() throws {
        let store = try temporaryStore()
        let orders = generated(1)
        _ = try store.importOrders([orders[0]])
        var mine = orders[0], theirs = orders[0]
        mine.source = "mine"
        theirs.source = "theirs"
        let saved = try store.save(theirs, expectedVersion: 1)
        #expect(saved.version == 2)
        #expect {
            try store.save(mine, expectedVersion: 1)
        } throws: { error in
            "\(error)".contains("changed by someone else")
        }
        #expect(try store.order(externalId: mine.externalId)?.order.source == "theirs")
        var closed = saved.order
        closed.status = .closed
        _ = try store.save(closed, expectedVersion: 2)
        #expect {
            try store.save(mine, expectedVersion: 3)
        } throws: { error in
            "\(error)".contains("only OPEN orders")
        }
    }

    @Test func twoStoresOnOneFileImportAtOnce() async throws {
        let store = try temporaryStore()
        let path = store.path
        async let first: ImportSummary = {
            let s = try SQLiteOrderStore(path: path)
            let orders = generated(2000, seed: 1, prefix: "A-")
            return try s.importOrders(orders)
        }()
        async let second: ImportSummary = {
            let s = try SQLiteOrderStore(path: path)
            let orders = generated(2000, seed: 2, prefix: "B-")
            return try s.importOrders(orders)
        }()
        let (a, b) = try await (first, second)
        #expect(a.added == 2000 && b.added == 2000)
        #expect(try store.count(OrderQuery()) == 4000)
    }

    @Test func aFileThatIsNotAStoreIsNamed() throws {
        let path = Scratch.folder("not-a-store").appendingPathComponent("file").path
        try Data("hello, this is text".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try SQLiteOrderStore(path: path)
        } throws: { error in
            "\(error)".contains("not a Docket store")
        }
    }
}

@Suite struct SearchIndexTests {
    func named(_ id: String, _ name: String, sku: String) -> Order {
        var o = Order(externalId: id)
        var c = Customer()
        c.name = name
        o.customer = c
        var item = OrderItem()
        item.sku = sku
        o.items = [item]
        return o
    }

    @Test func searchFollowsReimportsAndEdits() throws {
        let store = try temporaryStore()
        _ = try store.importOrders([named("A-1", "Alice Old", sku: "OLD-SKU"), named("B-1", "Bob", sku: "B")])
        _ = try store.importOrders([named("A-1", "Alice New", sku: "NEW-SKU")])
        #expect(try store.count(OrderQuery(search: "old")) == 0)
        #expect(try store.count(OrderQuery(search: "OLD-SKU")) == 0)
        #expect(try store.count(OrderQuery(search: "new")) == 1)
        let stored = try #require(try store.order(externalId: "A-1"))
        var edited = stored.order
        edited.customer?.name = "Carol"
        _ = try store.save(edited, expectedVersion: stored.version)
        #expect(try store.count(OrderQuery(search: "alice")) == 0)
        #expect(try store.count(OrderQuery(search: "carol")) == 1)
        #expect(try store.count(OrderQuery(search: "bob")) == 1)
    }
}

@Suite struct BulkImportIndexTests {
    @Test func aLargeImportWithRepeatsKeepsTheSearchIndexWhole() throws {
        let store = try temporaryStore()
        _ = try store.importOrders(generated(1000, seed: 1, prefix: "X-"))
        // More than one indexing block, with orders repeated inside the file
        // and orders that were already there.
        var orders = generated(70_000, seed: 2, prefix: "Y-")
        orders += generated(500, seed: 3, prefix: "X-")
        orders += generated(300, seed: 4, prefix: "Y-")
        let summary = try store.importOrders(orders)
        #expect(summary.added == 70_000)
        #expect(summary.replaced == 800)
        #expect(try store.searchIndexIsConsistent())
        var last = Order(externalId: "Y-0000299")
        last = try #require(try store.order(externalId: last.externalId)).order
        let name = try #require(last.customer?.name)
        #expect(try store.page(OrderQuery(search: name), after: nil, limit: 5).contains { $0.externalId == "Y-0000299" })
    }
}
