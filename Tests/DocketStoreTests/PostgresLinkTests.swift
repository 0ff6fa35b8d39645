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
}
