import DocketCore
import DocketStore
import Foundation
import GRDB
import Testing

/// Sends `outcomes` to `target` as one finished batch.
func settle(_ store: SQLiteOrderStore, _ batch: String, _ target: String, _ dialect: Dialect, _ outcomes: [String: Outcome],
            errors: [OrderIssue] = []) throws {
    try store.createBatch(id: batch, target: target, dialect: dialect, externalIds: outcomes.keys.sorted())
    try store.recordOutcomes(batch: batch, target: target, outcomes.map { OrderOutcome(externalId: $0.key, outcome: $0.value, errors: errors) })
    try store.finishBatch(batch)
}

func ids(_ store: SQLiteOrderStore, _ q: OrderQuery) throws -> [String] {
    try store.page(q, after: nil, limit: 1000).map(\.externalId)
}

@Suite struct PerTargetTests {
    @Test func eachTargetKeepsItsOwnLatestOutcome() throws {
        let store = try temporaryStore()
        _ = try store.importOrders(generated(3))
        let (a, b) = ("ORD-0000000", "ORD-0000001")
        try settle(store, "B1", "cropster", .cropster, [a: .rejected, b: .rejected])
        try settle(store, "B2", "omnia", .omnia, [a: .accepted])
        // Cropster's refusal is still found after Omnia took the order.
        #expect(try ids(store, OrderQuery(outcomes: ["rejected"], target: "cropster")) == [a, b])
        #expect(try ids(store, OrderQuery(outcomes: ["accepted"], target: "omnia")) == [a])
        #expect(try ids(store, OrderQuery(outcomes: ["none"], target: "omnia")) == [b, "ORD-0000002"])
        #expect(try ids(store, OrderQuery(target: "omnia")) == [a])
        // With no target, the latest word anywhere.
        #expect(try ids(store, OrderQuery(outcomes: ["rejected"])) == [b])
        // A listing by target shows that target's outcome; one without, the latest with its target.
        let row = try #require(try store.page(OrderQuery(target: "cropster"), after: nil, limit: 1).first)
        #expect(row.lastOutcome == "rejected" && row.lastTarget == "cropster")
        #expect(row.outcomeText(listingTarget: "cropster") == "rejected")
        let latest = try #require(try store.page(OrderQuery(ids: [a]), after: nil, limit: 1).first)
        #expect(latest.outcomeText(listingTarget: nil) == "accepted@omnia")
        let stored = try #require(try store.order(externalId: a))
        #expect(Set(stored.targets.map { "\($0.target)=\($0.outcome.rawValue)" }) == ["cropster=rejected", "omnia=accepted"])
    }

    @Test func anOrderChangedAfterAnUpsertTookItIsSentAgainButNotToACreateOnlyTarget() throws {
        let store = try temporaryStore()
        var orders = generated(2)
        _ = try store.importOrders(orders)
        let a = orders[0].externalId
        try settle(store, "B1", "cropster", .cropster, [a: .accepted])
        try settle(store, "B2", "dropday", .dropday, [a: .accepted])
        let cropster = OrderQuery.sendable(to: "cropster", canUpdate: true)
        let dropday = OrderQuery.sendable(to: "dropday", canUpdate: false)
        #expect(try ids(store, cropster) == [orders[1].externalId])
        // Re-imported with a changed quantity: version 2.
        orders[0].items[0].quantity = 7
        #expect(try store.importOrders([orders[0]]).replaced == 1)
        #expect(try ids(store, cropster) == [a, orders[1].externalId])
        #expect(try ids(store, dropday) == [orders[1].externalId])
        var changed = OrderQuery(target: "cropster")
        changed.changed = true
        #expect(try ids(store, changed) == [a])
        let stored = try #require(try store.order(externalId: a))
        let notes = Dictionary(uniqueKeysWithValues: stored.targets.map { ($0.target, $0.note(currentVersion: stored.version)) })
        #expect(notes["cropster"]??.contains("changed since cropster said accepted (v1, now v2)") == true)
        #expect(notes["dropday"]??.contains("changed since dropday created it (v1); Dropday cannot update it") == true)
        // Sent again and accepted at version 2: taken, and no longer changed.
        try settle(store, "B3", "cropster", .cropster, [a: .accepted])
        #expect(try ids(store, cropster) == [orders[1].externalId])
        #expect(try ids(store, changed).isEmpty)
    }

    @Test func refusalsNobodyChangedAreLeftOutOfARetry() throws {
        let store = try temporaryStore()
        let orders = generated(3)
        _ = try store.importOrders(orders)
        try settle(store, "B1", "cropster", .cropster, [orders[0].externalId: .rejected, orders[1].externalId: .rejected,
                                                        orders[2].externalId: .notSaved])
        var fixed = try #require(try store.order(externalId: orders[1].externalId))
        fixed.order.customer?.name = "Fixed"
        _ = try store.save(fixed.order, expectedVersion: fixed.version)
        var retry = OrderQuery(outcomes: ["rejected", "not_saved"], target: "cropster")
        #expect(try ids(store, retry) == orders.map(\.externalId))
        retry.skipUnchangedRefusals = true
        #expect(try ids(store, retry) == [orders[1].externalId, orders[2].externalId])
    }

    @Test func anOrderThatMayExistUnbeknownIsHeldUntilNamed() throws {
        let store = try temporaryStore()
        let orders = generated(2)
        _ = try store.importOrders(orders)
        let a = orders[0].externalId
        try settle(store, "B1", "centra", .centra, [a: .unknown],
                   errors: [OrderIssue(code: OrderOutcome.mayExistCode, message: "may exist at Centra")])
        #expect(try ids(store, .sendable(to: "centra", canUpdate: false)) == [orders[1].externalId])
        // Also when the view is another target's: composing for Centra from
        // a Cropster listing leaves it out.
        try settle(store, "B0", "cropster", .cropster, [a: .accepted, orders[1].externalId: .accepted])
        var fromView = OrderQuery(target: "cropster")
        fromView.notTakenBy = "centra"
        fromView.notTakenByUpdates = false
        #expect(try ids(store, fromView) == [orders[1].externalId])
        // Named explicitly, it can go.
        #expect(try ids(store, OrderQuery(outcomes: ["unknown"], target: "centra")) == [a])
        #expect(try store.order(externalId: a)?.targets.first?.held == true)
        // Settled (here: found and accepted), it is no longer held.
        try settle(store, "B2", "centra", .centra, [a: .accepted])
        #expect(try store.order(externalId: a)?.targets.first?.held == false)
    }
}

@Suite struct ClaimTests {
    func versions(_ store: SQLiteOrderStore, _ ids: [String]) throws -> [(externalId: String, version: Int)] {
        try ids.map { ($0, try #require(try store.order(externalId: $0)).version) }
    }

    @Test func aSecondBatchLeavesOutWhatAnUnfinishedOneHolds() throws {
        let store = try temporaryStore()
        let all = generated(3).map(\.externalId)
        _ = try store.importOrders(generated(3))
        let me = BatchOwner.current()
        let first = try store.createBatch(id: "B1", target: "dropday", dialect: .dropday, orders: try versions(store, Array(all.prefix(2))),
                                          owner: me, recheck: nil)
        #expect(first.claimed == Array(all.prefix(2)))
        let second = try store.createBatch(id: "B2", target: "dropday", dialect: .dropday, orders: try versions(store, all), owner: me, recheck: nil)
        #expect(second.claimed == [all[2]])
        #expect(second.busy == [all[0]: "B1", all[1]: "B1"])
        let said = try #require(second.explanation(target: "dropday", owners: try store.owners(second.busy.values)))
        #expect(said.contains("2 orders left out: batch B1 is sending them to dropday (process \(me.pid)"))
        // Another target is another claim.
        #expect(try store.createBatch(id: "B3", target: "cropster", dialect: .cropster, orders: try versions(store, all),
                                      owner: me, recheck: nil).claimed == all)
        // Finished, B1 lets go.
        try store.finishBatch("B1")
        #expect(try store.createBatch(id: "B4", target: "dropday", dialect: .dropday, orders: try versions(store, Array(all.prefix(1))),
                                      owner: me, recheck: nil).claimed == [all[0]])
    }

    @Test func aSelectionReadBeforeAnotherProcessSentOrEditedItsOrdersSendsNoneOfThem() throws {
        let store = try temporaryStore()
        _ = try store.importOrders(generated(3))
        let all = generated(3).map(\.externalId)
        let query = OrderQuery.sendable(to: "omnia", canUpdate: true)
        let read = try versions(store, all)
        // Meanwhile: another process sends the first, someone edits the second.
        try settle(store, "B0", "omnia", .omnia, [all[0]: .accepted])
        var edited = try #require(try store.order(externalId: all[1]))
        edited.order.customer?.name = "Edited"
        _ = try store.save(edited.order, expectedVersion: edited.version)
        let claim = try store.createBatch(id: "B1", target: "omnia", dialect: .omnia, orders: read, owner: .current(), recheck: query)
        #expect(claim.claimed == [all[2]])
        #expect(claim.changed == [all[0], all[1]])
        #expect(claim.explanation(target: "omnia", owners: [:])?.contains("2 orders left out: changed or sent by someone else") == true)
        // Nothing claimed, nothing created.
        let none = try store.createBatch(id: "B2", target: "omnia", dialect: .omnia, orders: [(all[0], 1)], owner: .current(), recheck: query)
        #expect(none.claimed.isEmpty)
        #expect(try store.batch("B2") == nil)
    }

    @Test func resumeTakesOverOnlyFromAnOwnerThatIsGone() throws {
        let store = try temporaryStore()
        _ = try store.importOrders(generated(1))
        let me = BatchOwner.current()
        _ = try store.createBatch(id: "B1", target: "t", dialect: .cropster, orders: [("ORD-0000000", 1)], owner: me, recheck: nil)
        // A live owner (this process) is not taken over...
        #expect(throws: DocketError.self) { try store.takeOver(batch: "B1", owner: me, force: false) }
        // ...unless forced.
        #expect(try store.takeOver(batch: "B1", owner: me, force: true).map { [$0.host, String($0.pid)] } == [me.host, String(me.pid)])
        // A process that exited is gone.
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        var dead = me
        dead.pid = exited.processIdentifier
        try store.heartbeat(batch: "B1", owner: me)
        _ = try store.takeOver(batch: "B1", owner: dead, force: true)
        #expect(try store.owner(of: "B1")?.isAlive == false)
        #expect(try store.takeOver(batch: "B1", owner: me, force: false)?.pid == dead.pid)
        // So is one not heard from for longer than staleAfter, wherever it runs.
        var stale = me
        stale.host = "elsewhere"
        _ = try store.takeOver(batch: "B1", owner: stale, force: true)
        #expect(throws: DocketError.self) { try store.takeOver(batch: "B1", owner: me, force: false) }
        try DatabaseQueue(path: store.path).write { try $0.execute(sql: "UPDATE batches SET heartbeat = heartbeat - \(BatchOwner.staleAfter + 1)") }
        #expect(try store.takeOver(batch: "B1", owner: me, force: false)?.host == "elsewhere")
        try store.finishBatch("B1")
        #expect(throws: DocketError.self) { try store.takeOver(batch: "B1", owner: me, force: true) }
    }

    /// Many machines share a name (`ubuntu`, `localhost`), and containers
    /// on one machine share its name but not their pids. A batch sent from
    /// such a twin is alive while its heartbeat is fresh, whatever its pid
    /// means here: looking the pid up on this machine would take it for
    /// dead, and `resume` would send its orders a second time.
    @Test func anOwnerOnAMachineOfTheSameNameIsJudgedByItsHeartbeat() throws {
        let store = try temporaryStore()
        _ = try store.importOrders(generated(1))
        let me = BatchOwner.current()
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        // The name alone (as older versions wrote it), and the name with
        // another boot and process namespace.
        for host in [me.machineName, "\(me.machineName) [00000000 1]"] {
            let twin = BatchOwner(host: host, pid: exited.processIdentifier, heartbeat: Date().timeIntervalSince1970)
            _ = try store.createBatch(id: "BT", target: "t", dialect: .cropster, orders: [("ORD-0000000", 1)], owner: twin, recheck: nil)
            #expect(try store.owner(of: "BT")?.isAlive == true, "\(host)")
            #expect(throws: DocketError.self) { try store.takeOver(batch: "BT", owner: me, force: false) }
            try store.finishBatch("BT")
            try DatabaseQueue(path: store.path).write { try $0.execute(sql: "DELETE FROM batch_orders; DELETE FROM batches") }
        }
        // This machine's own dead process is still told at once.
        var dead = me
        dead.pid = exited.processIdentifier
        #expect(!dead.isAlive)
        #expect(dead.description.hasPrefix("process \(exited.processIdentifier) on \(me.machineName), last heard"))
    }
}
