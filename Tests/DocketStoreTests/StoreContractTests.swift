import DocketCore
import DocketPostgres
import DocketStore
import Foundation
import GRDB
import Testing
import DocketTestSupport

/// The store contract, run against both stores: SQLite in a temporary file,
/// and PostgreSQL in a fresh database on the server `DOCKET_TEST_POSTGRES_URL`
/// names (`.ci/run` starts one). Without that variable the PostgreSQL half
/// is skipped, and says so.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    static var postgresServer: String? {
        ProcessInfo.processInfo.environment["DOCKET_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    typealias Store = DocketStore

    /// A new, empty store of this kind, and how to drop it. SQLite in
    /// memory where `inMemory` (the contract does not depend on the file),
    /// in a temporary file otherwise.
    func make(inMemory: Bool = false) throws -> (any Store, () -> Void)? {
        switch self {
        case .sqlite where inMemory:
            return (try SQLiteOrderStore.inMemory(), {})
        case .sqlite:
            let dir = Scratch.folder("contract")
            let store = try SQLiteOrderStore(path: dir.appendingPathComponent("s.sqlite").path)
            return (store, { try? FileManager.default.removeItem(at: dir) })
        case .postgres:
            guard let server = Self.postgresServer else {
                print("note: DOCKET_TEST_POSTGRES_URL is not set, so the PostgreSQL store's contract tests are skipped")
                return nil
            }
            let name = "docket_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            let url = try PostgresOrderStore.createDatabase(server: server, name: name)
            let store = try PostgresOrderStore(url: url)
            return (store, {
                store.close()
                try? PostgresOrderStore.dropDatabase(server: server, name: name)
            })
        }
    }

    /// Runs one statement on the store's database from outside Docket, as
    /// an administrator would (sqlite3's library on the file, psql on the
    /// server): to make time pass for a test.
    func execute(_ sql: String, on store: any Store) throws {
        if let sqlite = store as? SQLiteOrderStore {
            try DatabaseQueue(path: sqlite.path).write { try $0.execute(sql: sql) }
        } else if let pg = store as? PostgresOrderStore {
            let url = pg.url
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            p.arguments = ["-q", "-v", "ON_ERROR_STOP=1", "-h", url.host, "-p", String(url.port), "-U", url.user, "-d", url.database, "-c", sql]
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw DocketError("psql failed on: \(sql)") }
        }
    }
}

@Suite struct StoreContractTests {
    func orders(_ n: Int, prefix: String = "C-") -> [Order] {
        var g = OrderGenerator(seed: 31)
        return (0..<n).map { g.order($0, prefix: prefix) }
    }

    @Test(arguments: StoreKind.allCases)
    func importListSearchAndPageByKey(kind: StoreKind) throws {
        guard let (store, drop) = try kind.make() else { return }
        defer { drop() }
        var all = orders(250)
        all[7].status = .closed
        let first = try store.importOrders(all)
        #expect(first.added == 250)
        // Again: OPEN ones are replaced (a new version), the CLOSED one is kept.
        let again = try store.importOrders(all.prefix(10))
        #expect(again.replaced == 9 && again.keptNotOpenCount == 1)
        #expect(try store.order(externalId: "C-0000001")?.version == 2)
        #expect(try store.count(OrderQuery()) == 250)
        #expect(try store.count(OrderQuery(statuses: [.closed])) == 1)
        // Keyset pages cover every order once, in order, both ways.
        for sort in OrderSort.allCases {
            for descending in [false, true] {
                var q = OrderQuery(sort: sort, descending: descending)
                q.sort = sort
                var seen: [String] = []
                var cursor: PageCursor?
                while true {
                    let page = try store.page(q, after: cursor, limit: 40)
                    seen += page.map(\.externalId)
                    guard let last = page.last, page.count == 40 else { break }
                    cursor = last.cursor(sort)
                }
                #expect(Set(seen).count == 250 && seen.count == 250, "\(kind) \(sort) \(descending)")
            }
        }
        let byId = try store.page(OrderQuery(), after: nil, limit: 3).map(\.externalId)
        #expect(byId == ["C-0000000", "C-0000001", "C-0000002"])
        // Search: an id's prefix, a customer's name, an email.
        #expect(try store.count(OrderQuery(search: "C-000012")) == 10)
        let someone = try #require(all[42].customer?.name?.split(separator: " ").first.map(String.init))
        #expect(try store.count(OrderQuery(search: someone)) >= 1)
        if let email = all[42].customer?.email {
            #expect(try store.page(OrderQuery(search: email.uppercased()), after: nil, limit: 5).map(\.externalId).contains("C-0000042"))
        }
        // The same words on both stores: case and accents folded, an id
        // or SKU with - _ . / one word, a quote a separator, edits seen.
        var named = all[3]
        var customer = named.customer ?? Customer()
        customer.name = "Zoë O'Brien-Smith Quixwell"
        named.customer = customer
        named.items[0].sku = "RET/41.b_x"
        _ = try store.importOrders([named])
        for (text, found) in [("zoe", true), ("ZOË", true), ("brien", true), ("o'brien", true), ("brien-sm", true), ("smith", false),
                              ("ret/41.b", true), ("41", false), ("c-0000003", true), ("0000003", false)] {
            #expect(try store.page(OrderQuery(search: text), after: nil, limit: 5).map(\.externalId).contains("C-0000003") == found,
                    "\(kind): \(text)")
        }
        let stored = try #require(try store.order(externalId: "C-0000003"))
        customer.name = "Åsa Lindqvist"
        var edited = stored.order
        edited.customer = customer
        _ = try store.save(edited, expectedVersion: stored.version)
        #expect(try store.count(OrderQuery(search: "asa lind")) == 1)
        #expect(try store.count(OrderQuery(search: "quixw")) == 0)
        var walked = 0
        try store.forEachOrder(OrderQuery(statuses: [.open])) { _ in walked += 1 }
        #expect(walked == 249)
        #expect(try store.count(OrderQuery(), atMost: 10) == 10)
    }

    @Test(arguments: StoreKind.allCases)
    func aSaveIsTakenOnlyAtTheVersionItWasMadeOn(kind: StoreKind) throws {
        guard let (store, drop) = try kind.make(inMemory: true) else { return }
        defer { drop() }
        _ = try store.importOrders(orders(3))
        let read = try #require(try store.order(externalId: "C-0000001"))
        var mine = read.order
        mine.currency = "SEK"
        var theirs = read.order
        theirs.currency = "NOK"
        let saved = try store.save(theirs, expectedVersion: read.version)
        #expect(saved.version == read.version + 1)
        #expect(throws: DocketError.self) { try store.save(mine, expectedVersion: read.version) }
        #expect(try store.order(externalId: "C-0000001")?.order.currency == "NOK")
        #expect(try store.page(OrderQuery(ids: ["C-0000001"]), after: nil, limit: 1).first?.version == 2)
        // Who changed it, when, and what: one entry per saved version.
        _ = try store.save(try #require(try store.order(externalId: "C-0000001")).order, expectedVersion: 2, source: "fix")
        let history = try store.history(of: "C-0000001")
        #expect(history.map(\.version) == [2, 3])
        #expect(history[0].source == "edit" && history[1].source == "fix")
        #expect(history[0].fields.contains { $0.path == "currency" && $0.old == read.order.currency && $0.new == "NOK" })
        #expect(history[1].fields.isEmpty)
        #expect(!history[0].osUser.isEmpty && !history[0].storeUser.isEmpty)
        #expect(try store.history(of: "C-0000002").isEmpty)
    }

    /// An import that replaces an order makes a version like a save does,
    /// and says so in the history: a support person whose fix a re-import
    /// undid sees which import did it and what it changed back.
    @Test(arguments: StoreKind.allCases)
    func anImportThatReplacesAnOrderIsInItsHistory(kind: StoreKind) throws {
        guard let (store, drop) = try kind.make(inMemory: true) else { return }
        defer { drop() }
        let original = orders(3)
        _ = try store.importOrders(original)
        var fixed = try #require(try store.order(externalId: "C-0000001")).order
        fixed.items[0].sku = "FIXED-SKU"
        _ = try store.save(fixed, expectedVersion: 1, source: "edit")
        // The shop's file again, with one order's currency changed too.
        var again = original
        again[1].currency = "SEK"
        let summary = try store.importOrders(again)
        #expect(summary.replaced == 3 && summary.replacedUnchanged == 2)
        let history = try store.history(of: "C-0000001")
        #expect(history.map(\.version) == [2, 3])
        #expect(history.map(\.source) == ["edit", OrderChange.importSource])
        #expect(history[1].fields.contains { $0.path == "items[0].sku" && $0.old == "FIXED-SKU" && $0.new == original[1].items[0].sku })
        #expect(history[1].fields.contains { $0.path == "currency" && $0.old == original[1].currency && $0.new == "SEK" })
        #expect(!history[1].osUser.isEmpty && !history[1].storeUser.isEmpty)
        #expect(try store.order(externalId: "C-0000001")?.version == 3)
        // An order imported as it was still makes a version, with no field changed.
        let same = try store.history(of: "C-0000000")
        #expect(same.map(\.version) == [2] && same[0].source == OrderChange.importSource && same[0].fields.isEmpty)
        #expect(HistoryText.lines(same[0]).last == "    no field changed")
        // Orders added by an import start at version 1, with no entry.
        let first = orders(40, prefix: "N-")
        var many = first
        _ = try store.importOrders(many)
        #expect(try store.history(of: "N-0000000").isEmpty)
        // Many replaced at once (their changes are told in parallel), each
        // with its own change.
        for i in many.indices { many[i].source = "shop-\(i)" }
        _ = try store.importOrders(many)
        for (i, order) in many.enumerated() {
            let entries = try store.history(of: order.externalId)
            #expect(entries.map(\.version) == [2])
            #expect(entries.first?.fields == [OrderFields.Difference(path: "source", old: first[i].source, new: "shop-\(i)")])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func batchesClaimJournalAndReport(kind: StoreKind) throws {
        guard let (store, drop) = try kind.make(inMemory: true) else { return }
        defer { drop() }
        _ = try store.importOrders(orders(6))
        let ids = (0..<6).map { String(format: "C-%07d", $0) }
        let owner = BatchOwner.current()
        let versions = ids.map { ($0, 1) }
        let a = try store.createBatch(id: "BA", target: "omnia", dialect: .omnia, orders: Array(versions.prefix(4)), owner: owner, recheck: nil)
        #expect(a.claimed == Array(ids.prefix(4)))
        // Another batch to the same target cannot take what BA holds.
        let b = try store.createBatch(id: "BB", target: "omnia", dialect: .omnia, orders: versions, owner: owner, recheck: nil)
        #expect(b.claimed == ["C-0000004", "C-0000005"])
        #expect(b.busy["C-0000000"] == "BA")
        // A stale version is not claimed.
        let c = try store.createBatch(id: "BC", target: "cropster", dialect: .cropster, orders: [("C-0000000", 9)], owner: owner, recheck: nil)
        #expect(c.claimed.isEmpty && c.changed == ["C-0000000"])
        #expect(try store.owner(of: "BA")?.pid == owner.pid)
        try store.record(batch: "BA", target: "omnia", [.sending(Array(ids.prefix(2)))])
        let request = RequestRecord(sequence: 1, attempt: 1, method: "PUT", url: "http://127.0.0.1:1/x", requestBody: Array("{}".utf8),
                                    status: 400, responseBody: Array("{\"e\":1}".utf8), error: nil, startedAt: "2026-11-26T09:00:00Z",
                                    milliseconds: 5, orderIds: Array(ids.prefix(2)))
        try store.record(batch: "BA", target: "omnia", [.response(request, settled: [
            OrderOutcome(externalId: ids[0], outcome: .accepted, remoteIds: ["r0"]),
            OrderOutcome(externalId: ids[1], outcome: .rejected, errors: [OrderIssue(code: "x", message: "itemId RETIRED-3 unknown", field: "items[0].productId")]),
        ])])
        #expect(try store.pendingOrders(batch: "BA").map(\.externalId) == [ids[2], ids[3]])
        let position = try store.batchPosition("BA")
        try store.record(batch: "BA", target: "omnia", [.outcomes([OrderOutcome(externalId: ids[2], outcome: .unknown), OrderOutcome(externalId: ids[3], outcome: .accepted)])])
        let changes = try #require(try store.batchChanges("BA", since: position))
        #expect(Set(changes.outcomes.map(\.externalId)).isSuperset(of: [ids[2], ids[3]]))
        try store.finishBatch("BA")
        let report = try #require(try store.batch("BA"))
        #expect(report.summary.counts == [.accepted: 2, .rejected: 1, .unknown: 1])
        #expect(report.outcomes.map(\.externalId) == Array(ids.prefix(4)))
        #expect(try store.requests(batch: "BA", withBodies: true).first?.responseBody == Array("{\"e\":1}".utf8))
        #expect(try store.request(batch: "BA", sequence: 1, attempt: 1)?.orderIds == Array(ids.prefix(2)))
        #expect(try store.latestOutcome(of: ids[1])?.outcome.errors.first?.field == "items[0].productId")
        // Per-target words: what omnia said, and what failed there.
        #expect(try store.count(OrderQuery(outcomes: ["rejected"], target: "omnia")) == 1)
        #expect(try store.count(OrderQuery(outcomes: ["none"], target: "omnia")) == 2)
        var notTaken = OrderQuery.sendable(to: "omnia", canUpdate: true)
        notTaken.ids = ids
        #expect(try store.count(notTaken) == 4)
        let failures = try store.failures(OrderQuery(), limit: 100)
        #expect(Set(failures.map(\.outcome.externalId)) == [ids[1], ids[2]])
        #expect(try store.batches(limit: 10).map(\.id).contains("BA"))
        #expect(try store.owner(of: "BA") == nil, "a finished batch has no owner")
    }

    /// A claim larger than one slice (the stores check and write 10,000
    /// orders per statement): busy and changed orders are told apart in
    /// every slice, and positions run on across slices in the order given.
    @Test(arguments: StoreKind.allCases)
    func aClaimLargerThanASliceKeepsItsOrder(kind: StoreKind) throws {
        guard let (store, drop) = try kind.make() else { return }
        defer { drop() }
        let count = BatchClaim.slice * 2 + 500
        var g = OrderGenerator(seed: 5, itemsPerOrder: 1...1, lean: true)
        _ = try store.importOrders((0..<count).map { g.order($0, prefix: "L-") })
        let ids = (0..<count).map { String(format: "L-%07d", $0) }
        let owner = BatchOwner.current()
        let held = Array(ids[(BatchClaim.slice + 10)..<(BatchClaim.slice + 20)])
        _ = try store.createBatch(id: "HOLD", target: "omnia", dialect: .omnia, orders: held.map { ($0, 1) }, owner: owner, recheck: nil)
        let stale: Set = [ids[3], ids[BatchClaim.slice], ids[count - 1]]
        // Given in reverse, so that the order given is not the ids' own.
        let keys = ids.reversed().map { ($0, stale.contains($0) ? 2 : 1) }
        let claim = try store.createBatch(id: "BIG", target: "omnia", dialect: .omnia, orders: keys, owner: owner, recheck: nil)
        let expected = ids.reversed().filter { !stale.contains($0) && !held.contains($0) }
        #expect(claim.claimed == expected)
        #expect(Set(claim.changed) == stale)
        #expect(Set(claim.busy.keys) == Set(held) && claim.busy.values.allSatisfy { $0 == "HOLD" })
        #expect(try store.pendingOrders(batch: "BIG").map(\.externalId) == expected)
        #expect(try store.batch("BIG", failedOnly: true, limit: 0)?.summary.orderCount == expected.count)
    }

    /// A whole store copied to the other kind and back: every table's rows,
    /// batches, the journal and the history come through, and the copy
    /// searches and pages as the original.
    @Test(arguments: StoreKind.allCases)
    func aStoreCopiesToTheOtherKindAndBack(from kind: StoreKind) throws {
        guard let (source, dropSource) = try kind.make() else { return }
        defer { dropSource() }
        let otherKind: StoreKind = kind == .sqlite ? .postgres : .sqlite
        guard let (target, dropTarget) = try otherKind.make() else { return }
        defer { dropTarget() }
        _ = try source.importOrders(orders(30))
        let read = try #require(try source.order(externalId: "C-0000004"))
        var edited = read.order
        edited.currency = "SEK"
        _ = try source.save(edited, expectedVersion: read.version)
        _ = try source.createBatch(id: "BX", target: "omnia", dialect: .omnia, orders: (0..<3).map { (String(format: "C-%07d", $0), 1) },
                                   owner: .current(), recheck: nil)
        try source.record(batch: "BX", target: "omnia", [.response(
            RequestRecord(sequence: 1, attempt: 1, method: "PUT", url: "http://x/y", requestBody: Array("{\"a\":1}".utf8), status: 200,
                          responseBody: Array("{}".utf8), error: nil, startedAt: "2026-11-26T09:00:00Z", milliseconds: 2, orderIds: ["C-0000000"]),
            settled: [OrderOutcome(externalId: "C-0000000", outcome: .accepted, remoteIds: ["r1"]),
                      OrderOutcome(externalId: "C-0000001", outcome: .rejected, errors: [OrderIssue(code: "x", message: "no", field: "currency")])])])
        try source.finishBatch("BX")
        let from = try #require(source as? any StoreCopying), to = try #require(target as? any StoreCopying)
        #expect(try to.info().isEmpty)
        for table in StoreTable.all {
            var after: [JSONValue]?
            while true {
                let rows = try from.rows(of: table, after: after, limit: 7)
                guard let last = rows.last else { break }
                try to.insert(rows, into: table)
                after = table.key(of: last)
            }
        }
        #expect(try to.info().rows == from.info().rows)
        #expect(try target.batch("BX")?.summary == source.batch("BX")?.summary)
        #expect(try target.batch("BX")?.outcomes == source.batch("BX")?.outcomes)
        #expect(try target.requests(batch: "BX", withBodies: true).first?.requestBody == Array("{\"a\":1}".utf8))
        #expect(try target.history(of: "C-0000004") == source.history(of: "C-0000004"))
        #expect(try target.order(externalId: "C-0000001")?.targets.first?.outcome == .rejected)
        #expect(try target.count(OrderQuery(search: "C-000001")) == 10)
        #expect(try target.page(OrderQuery(sort: .customer), after: nil, limit: 30).map(\.externalId)
                == source.page(OrderQuery(sort: .customer), after: nil, limit: 30).map(\.externalId))
        // New work goes on in the copy: a request gets a new number.
        _ = try target.createBatch(id: "BY", target: "omnia", dialect: .omnia, orders: [("C-0000010", 1)], owner: .current(), recheck: nil)
        try target.record(batch: "BY", target: "omnia", [.response(
            RequestRecord(sequence: 1, attempt: 1, method: "PUT", url: "http://x/y", requestBody: [], status: 200, responseBody: [], error: nil,
                          startedAt: "2026-11-26T09:01:00Z", milliseconds: 2, orderIds: ["C-0000010"]),
            settled: [OrderOutcome(externalId: "C-0000010", outcome: .accepted)])])
        #expect(try target.requests(batch: "BY", withBodies: false).count == 1)
    }

    /// A role with only SELECT browses, is told it may only read, and a
    /// write is refused naming the missing privilege, not a driver's stack.
    @Test func aRoleThatMayOnlyReadBrowsesAndIsRefusedWrites() throws {
        guard let (store, drop) = try StoreKind.postgres.make(), let owner = store as? PostgresOrderStore else { return }
        defer { drop() }
        _ = try owner.importOrders(orders(5))
        #expect(!owner.isReadOnly)
        let role = "docket_obs_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        let url = owner.url
        func psql(_ sql: String) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            p.arguments = ["-q", "-v", "ON_ERROR_STOP=1", "-h", url.host, "-p", String(url.port), "-U", url.user, "-d", url.database, "-c", sql]
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "psql: \(sql)")
        }
        try psql("CREATE ROLE \(role) LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role)")
        defer { try? psql("DROP OWNED BY \(role); DROP ROLE \(role)") }
        var readerURL = url
        readerURL.user = role
        let reader = try PostgresOrderStore(url: readerURL.description)
        defer { reader.close() }
        #expect(reader.isReadOnly)
        #expect(try reader.count(OrderQuery()) == 5)
        #expect(try reader.order(externalId: "C-0000001") != nil)
        do {
            _ = try reader.importOrders(orders(1, prefix: "X-"))
            Issue.record("a read-only role imported")
        } catch let e as DocketError {
            #expect(e.message.contains("permission denied") && e.message.contains("lacks the privilege"), "\(e.message)")
        }
        let read = try #require(try reader.order(externalId: "C-0000001"))
        #expect(throws: DocketError.self) { try reader.save(read.order, expectedVersion: read.version) }
    }

    /// A first import into an empty store builds the sort indexes after the
    /// rows: they are all there afterwards, and after an import that failed
    /// half way (which kept nothing) too.
    @Test func anImportIntoAnEmptyStoreLeavesEveryIndex() throws {
        guard let (store, drop) = try StoreKind.postgres.make(), let pg = store as? PostgresOrderStore else { return }
        defer { drop() }
        func indexes() throws -> [String] {
            let url = pg.url
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            p.arguments = ["-At", "-h", url.host, "-p", String(url.port), "-U", url.user, "-d", url.database, "-c",
                           "SELECT indexdef FROM pg_indexes WHERE tablename = 'orders' ORDER BY indexname"]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return text.split(separator: "\n").map(String.init)
        }
        let before = try indexes()
        #expect(before.count == 9)
        struct Broken: Error {}
        #expect(throws: (any Error).self) {
            try pg.importOrders { emit in
                for o in orders(1500) { try emit(o, nil) }
                throw Broken()
            }
        }
        #expect(try pg.count(OrderQuery()) == 0)
        #expect(try indexes() == before)
        #expect(try pg.importOrders(orders(1500)).added == 1500)
        #expect(try indexes() == before)
        #expect(try pg.count(OrderQuery(search: "C-000149")) == 10)
    }

    /// `sslmode=require` encrypts the connection (the certificate is not
    /// checked, as libpq's `require`), and `store info` says so; a server
    /// without TLS refuses it in words. `.ci/run` starts its server with TLS.
    @Test func sslmodeRequireEncryptsTheConnection() throws {
        guard let (store, drop) = try StoreKind.postgres.make(), let pg = store as? PostgresOrderStore else { return }
        defer { drop() }
        let url = pg.url
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        p.arguments = ["-At", "-h", url.host, "-p", String(url.port), "-U", url.user, "-d", url.database, "-c", "SHOW ssl"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let serverTLS = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).hasPrefix("on")
        p.waitUntilExit()
        var encrypted = url
        encrypted.sslMode = "require"
        #expect(try pg.info().connection == "not encrypted")
        if serverTLS {
            let tls = try PostgresOrderStore(url: encrypted.description)
            defer { tls.close() }
            let connection = try tls.info().connection
            #expect(connection?.hasPrefix("encrypted (TLS") == true, "\(String(describing: connection))")
            #expect(try tls.count(OrderQuery()) == 0)
        } else {
            print("note: this PostgreSQL server has no TLS, so only sslmode=require's refusal is tested")
            do {
                _ = try PostgresOrderStore(url: encrypted.description)
                Issue.record("sslmode=require opened a store on a server without TLS")
            } catch let e as DocketError {
                #expect(e.message.contains("cannot reach the PostgreSQL store"), "\(e.message)")
            }
        }
    }

    /// The server drops the store's connection (a restart, a failover, an
    /// administrator): the next statement, or the journal's next
    /// transaction, runs on a new connection and nothing is lost.
    /// Heartbeats are timed by the store's clock, not by the clock of the
    /// machine that sends: on a team's server, a sender whose clock is an
    /// hour behind must not look gone (another machine's `resume` would
    /// send its orders again), nor one an hour ahead look alive for an hour
    /// after it stopped.
    @Test(arguments: StoreKind.allCases)
    func aHeartbeatIsTimedByTheStoreNotByTheSender(kind: StoreKind) throws {
        guard let (store, drop) = try kind.make() else { return }
        defer { drop() }
        _ = try store.importOrders(orders(2))
        let now = Date().timeIntervalSince1970
        let behind = BatchOwner(host: "machine-behind", pid: 4242, heartbeat: now - 3600)
        _ = try store.createBatch(id: "BH", target: "omnia", dialect: .omnia, orders: [("C-0000000", 1)], owner: behind, recheck: nil)
        #expect(try store.owner(of: "BH")?.isAlive == true)
        #expect(throws: DocketError.self) { try store.takeOver(batch: "BH", owner: .current(), force: false) }
        try store.heartbeat(batch: "BH", owner: behind)
        #expect(try store.owner(of: "BH")?.isAlive == true)
        // Not heard from for longer than staleAfter, by the store's clock.
        try kind.execute("UPDATE batches SET heartbeat = heartbeat - \(Int(BatchOwner.staleAfter) + 5)", on: store)
        #expect(try store.owner(of: "BH")?.isAlive == false)
        let ahead = BatchOwner(host: "machine-ahead", pid: 4343, heartbeat: now + 3600)
        #expect(try store.takeOver(batch: "BH", owner: ahead, force: false)?.host == "machine-behind")
        #expect(try store.owner(of: "BH")?.isAlive == true)
        try kind.execute("UPDATE batches SET heartbeat = heartbeat - \(Int(BatchOwner.staleAfter) + 5)", on: store)
        #expect(try store.owner(of: "BH")?.isAlive == false)
        #expect(try store.takeOver(batch: "BH", owner: .current(), force: false)?.host == "machine-ahead")
    }

    /// A process taken over while it went unheard (asleep, paused) may
    /// wake and carry on: its journal writes are refused, so it neither
    /// sends (a refused `.sending` keeps the request back) nor writes over
    /// the new owner's record, nor finishes the batch under it.
    @Test(arguments: StoreKind.allCases)
    func aProcessTakenOverWritesNothingMoreToTheBatch(kind: StoreKind) throws {
        guard let (store, drop) = try kind.make() else { return }
        defer { drop() }
        _ = try store.importOrders(orders(2))
        let ids = ["C-0000000", "C-0000001"]
        let first = BatchOwner.current()
        _ = try store.createBatch(id: "BO", target: "dropday", dialect: .dropday, orders: ids.map { ($0, 1) }, owner: first, recheck: nil)
        try store.record(batch: "BO", target: "dropday", [.sending([ids[0]])], owner: first)
        let second = BatchOwner(host: "machine-b", pid: 77, heartbeat: 0)
        _ = try store.takeOver(batch: "BO", owner: second, force: true)
        for entries: [JournalEntry] in [[.sending([ids[0]])], [.outcomes([OrderOutcome(externalId: ids[0], outcome: .notSaved)])]] {
            let refused = try #require(throws: DocketError.self) { try store.record(batch: "BO", target: "dropday", entries, owner: first) }
            #expect(refused.message.contains("taken over by process 77 on machine-b"), "\(refused.message)")
        }
        #expect(throws: DocketError.self) { try store.finishBatch("BO", owner: first) }
        #expect(try store.pendingOrders(batch: "BO").map(\.attempts) == [1, 0])
        #expect(try store.owner(of: "BO")?.host == "machine-b")
        // The new owner carries on.
        try store.record(batch: "BO", target: "dropday", [.outcomes(ids.map { OrderOutcome(externalId: $0, outcome: .accepted) })], owner: second)
        try store.finishBatch("BO", owner: second)
        #expect(try store.batch("BO")?.summary.counts == [.accepted: 2])
    }

    @Test func aLostConnectionIsMadeAgainAndTheJournalStaysWhole() throws {
        guard let (store, drop) = try StoreKind.postgres.make(), let pg = store as? PostgresOrderStore else { return }
        defer { drop() }
        _ = try pg.importOrders(orders(4))
        func terminate() throws {
            let url = pg.url
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            p.arguments = ["-q", "-h", url.host, "-p", String(url.port), "-U", url.user, "-d", "postgres", "-c",
                           "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(url.database)'"]
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
        }
        try terminate()
        #expect(try pg.count(OrderQuery()) == 4)
        _ = try pg.createBatch(id: "BL", target: "omnia", dialect: .omnia, orders: [("C-0000000", 1), ("C-0000001", 1)], owner: .current(), recheck: nil)
        try terminate()
        try pg.record(batch: "BL", target: "omnia", [.response(
            RequestRecord(sequence: 1, attempt: 1, method: "PUT", url: "http://x/y", requestBody: [], status: 200, responseBody: [], error: nil,
                          startedAt: "2026-11-26T09:00:00Z", milliseconds: 1, orderIds: ["C-0000000", "C-0000001"]),
            settled: [OrderOutcome(externalId: "C-0000000", outcome: .accepted), OrderOutcome(externalId: "C-0000001", outcome: .accepted)])])
        try terminate()
        try pg.finishBatch("BL")
        let report = try #require(try pg.batch("BL"))
        #expect(report.summary.counts == [.accepted: 2])
        #expect(try pg.requests(batch: "BL", withBodies: false).count == 1)
    }

    /// Another session locks one of the orders a claim needs and, once the
    /// claim waits for it, asks for one the claim already holds: a
    /// deadlock, which the server ends by aborting the claim (the other
    /// session waits 30 s before it looks). The claim runs again once the
    /// other commits, and takes every order.
    @Test func aClaimEndedByADeadlockRunsAgainAndTakesItsOrders() throws {
        guard let (store, drop) = try StoreKind.postgres.make(), let pg = store as? PostgresOrderStore else { return }
        defer { drop() }
        _ = try pg.importOrders(orders(3))
        let dir = Scratch.folder("deadlock")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let locked = dir.appendingPathComponent("locked").path
        let script = dir.appendingPathComponent("other.sql")
        try """
            BEGIN;
            SET LOCAL deadlock_timeout = '30s';
            SELECT 1 FROM orders WHERE external_id = 'C-0000002' FOR UPDATE;
            \\! touch \(locked)
            DO $$ BEGIN
              FOR i IN 1..3000 LOOP
                EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'
                                  AND datname = current_database() AND pid <> pg_backend_pid());
                PERFORM pg_sleep(0.01);
              END LOOP;
            END $$;
            UPDATE orders SET customer = 'held' WHERE external_id = 'C-0000000';
            COMMIT;

            """.write(to: script, atomically: true, encoding: .utf8)
        let url = pg.url
        let other = Process()
        other.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        other.arguments = ["-q", "-v", "ON_ERROR_STOP=1", "-h", url.host, "-p", String(url.port), "-U", url.user, "-d", url.database, "-f", script.path]
        other.standardOutput = FileHandle.nullDevice
        try other.run()
        while !FileManager.default.fileExists(atPath: locked), other.isRunning { Thread.sleep(forTimeInterval: 0.01) }
        let claim = try pg.createBatch(id: "BD", target: "omnia", dialect: .omnia,
                                       orders: [("C-0000000", 1), ("C-0000001", 1), ("C-0000002", 1)], owner: .current(), recheck: nil)
        other.waitUntilExit()
        #expect(other.terminationStatus == 0, "the other session was the one ended")
        #expect(claim.claimed == ["C-0000000", "C-0000001", "C-0000002"])
        #expect(try pg.batch("BD")?.summary.orderCount == 3)
    }

    /// Pruning drops finished batches' bodies and nothing else: the batch,
    /// its request lines, outcomes and errors stay; a running batch is not
    /// touched; a dry run changes nothing.
    @Test(arguments: StoreKind.allCases)
    func pruneDropsOldBodiesAndKeepsEverythingElse(kind: StoreKind) throws {
        guard let (store, drop) = try kind.make(), let pruning = store as? any BodyPruning else { return }
        defer { drop() }
        _ = try store.importOrders(orders(4))
        for (id, ids) in [("BOLD", ["C-0000000", "C-0000001"]), ("BRUN", ["C-0000002"])] {
            _ = try store.createBatch(id: id, target: "omnia", dialect: .omnia, orders: ids.map { ($0, 1) }, owner: .current(), recheck: nil)
            try store.record(batch: id, target: "omnia", [.response(
                RequestRecord(sequence: 1, attempt: 1, method: "PUT", url: "http://x/\(id)", requestBody: Array(String(repeating: "b", count: 1000).utf8),
                              status: 400, responseBody: Array("{\"error\":\"no\"}".utf8), error: nil, startedAt: "2026-11-26T09:00:00Z",
                              milliseconds: 3, orderIds: ids),
                settled: ids.map { OrderOutcome(externalId: $0, outcome: .rejected, errors: [OrderIssue(code: "x", message: "no", field: "currency")]) })])
        }
        try store.finishBatch("BOLD")
        let dry = try pruning.prune(before: "9999-01-01", dryRun: true)
        // A thousand of one letter, stored compressed.
        #expect(dry.batches == 1 && dry.requests == 1 && dry.bytes > 0 && dry.bytes < 200, "\(dry)")
        #expect(try store.request(batch: "BOLD", sequence: 1, attempt: 1)?.requestBody.count == 1000)
        let done = try pruning.prune(before: "9999-01-01", dryRun: false)
        #expect(done.requests == 1)
        let pruned = try #require(try store.request(batch: "BOLD", sequence: 1, attempt: 1))
        #expect(String(decoding: pruned.requestBody, as: UTF8.self).hasPrefix("(body dropped by docket prune on "))
        #expect(pruned.responseBody.isEmpty && pruned.status == 400 && pruned.orderIds == ["C-0000000", "C-0000001"])
        #expect(try store.batch("BOLD")?.outcomes.first?.errors.first?.message == "no")
        #expect(try store.request(batch: "BRUN", sequence: 1, attempt: 1)?.requestBody.count == 1000, "an unfinished batch keeps its bodies")
        #expect(done.months.isEmpty, "a month with a running batch is pruned row by row")
        #expect(try pruning.prune(before: "9999-01-01", dryRun: false).requests == 0, "nothing twice")
        #expect(try pruning.prune(before: "2000-01-01", dryRun: true).requests == 0)
        // Every batch of the month done: on PostgreSQL the month goes whole.
        try store.finishBatch("BRUN")
        let all = try pruning.prune(before: "9999-01-01", dryRun: false)
        #expect(all.requests == 1)
        #expect(all.months == (kind == .postgres ? [String(Date().ISO8601Format().prefix(7))] : []))
        let whole = try #require(try store.request(batch: "BRUN", sequence: 1, attempt: 1))
        #expect(String(decoding: whole.requestBody, as: UTF8.self).hasPrefix("(body dropped by docket prune on "))
        // A batch begun after its month went keeps its bodies.
        _ = try store.createBatch(id: "BNEW", target: "omnia", dialect: .omnia, orders: [("C-0000003", 1)], owner: .current(), recheck: nil)
        try store.record(batch: "BNEW", target: "omnia", [.response(
            RequestRecord(sequence: 1, attempt: 1, method: "PUT", url: "http://x/new", requestBody: Array("{}".utf8), status: 200,
                          responseBody: [0, 255, 1], error: nil, startedAt: "2026-11-26T09:00:00Z", milliseconds: 3, orderIds: ["C-0000003"]),
            settled: [OrderOutcome(externalId: "C-0000003", outcome: .accepted)])])
        let kept = try #require(try store.request(batch: "BNEW", sequence: 1, attempt: 1))
        #expect(kept.requestBody == Array("{}".utf8) && kept.responseBody == [0, 255, 1], "bodies come back byte for byte")
    }

    /// PostgreSQL says when another connection wrote: the console's cue to
    /// redraw, instead of polling.
    @Test func postgresNotifiesOtherConnectionsOfWrites() async throws {
        guard let (store, drop) = try StoreKind.postgres.make(), let watched = store as? PostgresOrderStore else { return }
        defer { drop() }
        let heard = Heard()
        let watch = watched.watchChanges { heard.set() }
        defer { watch.stop() }
        // The listener connects in the background; writes until it hears
        // one (waiting without blocking, so the listener's task runs).
        let other = try PostgresOrderStore(url: watched.location)
        defer { other.close() }
        var got = false
        for i in 0..<120 where !got {
            _ = try other.importOrders(orders(1, prefix: "N\(i)-"))
            try await Task.sleep(for: .milliseconds(250))
            got = heard.value
        }
        #expect(got, "no notification came for another connection's import")
    }
}

final class Heard: @unchecked Sendable {
    private let lock = NSLock()
    private var heard = false
    func set() { lock.lock(); heard = true; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return heard }
}
