import DocketCore
@testable import DocketPostgres
import Foundation
import Testing

/// What the PostgreSQL link does with a connection it takes for lost.
struct PostgresLinkTests {
    /// A server (or a proxy in front of one) can report a broken connection
    /// as an error and keep the socket open. The link connects again, and
    /// the connection it gave up is closed rather than left open and freed
    /// (which also stops a debug build: postgres-nio asserts on it).
    @Test func aConnectionGivenUpForLostIsClosed() throws {
        guard let server = StoreKind.postgresServer else {
            print("note: DOCKET_TEST_POSTGRES_URL is not set, so the PostgreSQL link test is skipped")
            return
        }
        let link = try PostgresLink(url: try PostgresURL(server), password: nil)
        defer { link.close() }
        let first = try link.query("SELECT pg_backend_pid()")[0].int(0)
        let raise = "DO $$ BEGIN RAISE EXCEPTION 'upstream gone' USING ERRCODE = '08006'; END $$"
        let error = try #require(throws: DocketError.self) { try link.query(raise) }
        #expect(error.message.hasPrefix(PostgresLink.lostPrefix), "\(error.message)")
        let now = try link.query("SELECT pg_backend_pid()")[0].int(0)
        #expect(now != first)
        // The server sees the old session end once its socket closes.
        var open = true
        for _ in 0..<100 where open {
            open = try link.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(first)")[0].int(0) > 0
            if open { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(!open, "the connection given up is still open at the server")
    }

    /// The journal through a connection cut while its COMMIT is on the way.
    /// Cut after the server kept the commit, the entry must be there once,
    /// not written again on a new connection; cut before the server saw it,
    /// it must be written (once) on the new one. Either way `record` returns
    /// as if nothing happened. The same for saving an edit.
    @Test(arguments: [CommitCuttingProxy.Cut.afterTheServerAnswered, .beforeTheServerSees])
    func aCommitCutOnItsWayIsDoneOnce(cut: CommitCuttingProxy.Cut) throws {
        // The store made for the test is the reader, straight to the server.
        guard let (made, drop) = try StoreKind.postgres.make(), let reader = made as? PostgresOrderStore else { return }
        defer { drop() }
        let url = reader.url
        let proxy = try CommitCuttingProxy(upstreamPort: url.port)
        defer { proxy.stop() }
        let store = try PostgresOrderStore(url: "postgresql://\(url.user)@127.0.0.1:\(proxy.port)/\(url.database)?sslmode=disable")
        defer { store.close() }
        var g = OrderGenerator(seed: 5)
        _ = try store.importOrders((0..<3).map { g.order($0, prefix: "K-") })
        let ids = ["K-0000000", "K-0000001"]
        _ = try store.createBatch(id: "BK", target: "omnia", dialect: .omnia, orders: ids.map { ($0, 1) }, owner: .current(), recheck: nil)
        let request = RequestRecord(sequence: 1, attempt: 1, method: "PUT", url: "http://127.0.0.1:1/x", requestBody: Array("{}".utf8),
                                    status: 201, responseBody: Array("{}".utf8), error: nil, startedAt: "2026-11-26T09:00:00Z",
                                    milliseconds: 5, orderIds: ids)
        proxy.arm(cut)
        try store.record(batch: "BK", target: "omnia", [.sending(ids), .response(request, settled: [
            OrderOutcome(externalId: ids[0], outcome: .accepted),
        ])])
        #expect(proxy.cuts == 1, "the proxy saw no COMMIT to cut")
        #expect(try reader.requests(batch: "BK", withBodies: false).count == 1)
        // The order still waiting was counted as sent once, not twice.
        let pending = try reader.pendingOrders(batch: "BK")
        #expect(pending.map(\.externalId) == [ids[1]] && pending.map(\.attempts) == [1], "\(pending)")
        // A save: done once, not refused as stale against itself.
        var order = try #require(try store.order(externalId: "K-0000002")).order
        order.customer = Customer()
        order.customer?.name = "Cut Twice"
        proxy.arm(cut)
        let saved = try store.save(order, expectedVersion: 1)
        #expect(proxy.cuts == 2 && saved.version == 2)
        #expect(try reader.order(externalId: "K-0000002")?.version == 2)
        #expect(try reader.history(of: "K-0000002").count == 1)
    }
}
