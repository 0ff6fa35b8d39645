import DocketCore
@testable import DocketPostgres
@testable import DocketStore
import Foundation
import GRDB
import Testing
import DocketTestSupport

/// A store written before bodies were compressed opens in this Docket with
/// every body readable as it was, and a body pruned then still says so;
/// a PostgreSQL store's orders are found by the same words as before.
struct BodyMigrationTests {
    static let body = #"{"orders":[{"id":"C-1","total":"12.50"}]}"#

    @Test func anOlderSQLiteStoreKeepsItsBodies() throws {
        let dir = Scratch.folder("migrate")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v7-order-history")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO batches (id, target, dialect, created_at, finished_at, order_count) VALUES ('B1', 'omnia', 'omnia', '2026-10-02T08:00:00Z', '2026-10-02T08:01:00Z', 1);
                    INSERT INTO requests (batch_id, sequence, attempt, method, url, request_body, status, response_body, started_at, milliseconds, order_ids)
                    VALUES ('B1', 1, 1, 'PUT', 'http://x', ?, 200, 'ok', '2026-10-02T08:00:01Z', 5, '["C-1"]'),
                           ('B1', 2, 1, 'PUT', 'http://x', '(body dropped by docket prune on 2026-11-01)', 200, '', '2026-10-02T08:00:02Z', 5, '["C-2"]');
                    """, arguments: [Self.body])
            }
        }
        let store = try SQLiteOrderStore(path: path)
        try expectMigrated(store)
    }

    @Test func anOlderPostgreSQLStoreKeepsItsBodies() throws {
        guard let server = StoreKind.postgresServer else {
            print("note: DOCKET_TEST_POSTGRES_URL is not set, so the PostgreSQL store's migration test is skipped")
            return
        }
        let name = "docket_m_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let url = try PostgresOrderStore.createDatabase(server: server, name: name)
        defer { try? PostgresOrderStore.dropDatabase(server: server, name: name) }
        do {
            let link = try PostgresLink(url: try PostgresURL(url), password: nil)
            defer { link.close() }
            try link.query("CREATE TABLE docket_schema (version INTEGER NOT NULL)")
            // The three steps before the bodies moved (step 4).
            for (i, step) in PostgresSchema.steps.prefix(3).enumerated() {
                for statement in step where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { try link.query(statement) }
                try link.query("INSERT INTO docket_schema (version) VALUES (\(i + 1))")
            }
            try link.query("""
                INSERT INTO orders (external_id, status, version, customer, item_count, created_at, updated_at, body)
                VALUES ('C-1', 'OPEN', 1, 'Ärla Berg', 1, '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z', '{}')
                """)
            var a = SQLArgs()
            try link.query("INSERT INTO batches (id, target, dialect, created_at, finished_at, order_count) VALUES ('B1', 'omnia', 'omnia', '2026-10-02T08:00:00Z', '2026-10-02T08:01:00Z', 1)")
            try link.query("""
                INSERT INTO requests (batch_id, sequence, attempt, method, url, request_body, status, response_body, started_at, milliseconds, order_ids)
                VALUES ('B1', 1, 1, 'PUT', 'http://x', \(a.add(Self.body)), 200, 'ok', '2026-10-02T08:00:01Z', 5, '["C-1"]'),
                       ('B1', 2, 1, 'PUT', 'http://x', '(body dropped by docket prune on 2026-11-01)', 200, '', '2026-10-02T08:00:02Z', 5, '["C-2"]')
                """, a)
        }
        let store = try PostgresOrderStore(url: url)
        defer { store.close() }
        try expectMigrated(store)
        // Its search words were cut again, as Docket cuts them (step 5).
        #expect(try store.count(OrderQuery(search: "arla c-1")) == 1)
    }

    func expectMigrated(_ store: any DocketStore) throws {
        let kept = try #require(try store.request(batch: "B1", sequence: 1, attempt: 1))
        #expect(String(decoding: kept.requestBody, as: UTF8.self) == Self.body)
        #expect(String(decoding: kept.responseBody, as: UTF8.self) == "ok")
        let pruned = try #require(try store.request(batch: "B1", sequence: 2, attempt: 1))
        #expect(String(decoding: pruned.requestBody, as: UTF8.self) == PruneReport.marker("2026-11-01"))
        #expect(pruned.responseBody.isEmpty && pruned.orderIds == ["C-2"])
        #expect(try store.requests(batch: "B1", withBodies: true).map(\.sequence) == [1, 2])
    }
}
