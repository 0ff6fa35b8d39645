import DocketCore
import DocketHTTP
import DocketSandbox
import DocketStore
import Foundation
import Testing

/// A batch reads its orders a page at a time after claiming them: one
/// edited in between is not what was claimed, so it is not sent; its
/// outcome says so instead of being recorded against a version that did
/// not go out.
@Suite struct ClaimedVersionTests {
    @Test func anOrderEditedAfterTheClaimIsNotSentAndSaysWhy() async throws {
        let rig = try await Rig.start()
        let batch = orders(30, prefix: "CV-")
        let store = try temporaryStore(batch)
        let target = rig.targets[.cropster]!
        let keys = batch.map { (externalId: $0.externalId, version: 1) }
        let claim = try store.createBatch(id: "B-CV", target: target.name, dialect: .cropster, orders: keys,
                                          owner: .current(), recheck: nil)
        #expect(claim.claimed.count == 30)
        // Someone fixes order 12 while the batch is under way.
        var edited = batch[12]
        edited.customer?.name = "Edited After The Claim"
        _ = try store.save(edited, expectedVersion: 1)

        let pages = StoredOrderPages(store: store, ids: claim.claimed, versions: claim.versions(from: keys), size: 10)
        let engine = try rig.engine(.cropster) { $0.batchSize = 5 }
        _ = try await BatchRunner.run(engine: engine, journal: store, id: "B-CV", total: 30,
                                      pages: pages, owner: .current())

        let report = try #require(try store.batch("B-CV"))
        let outcomes = Dictionary(uniqueKeysWithValues: report.outcomes.map { ($0.externalId, $0) })
        let left = try #require(outcomes[batch[12].externalId])
        #expect(left.outcome == .skipped)
        #expect(left.errors.first?.code == "changed")
        #expect(report.summary.counts == [.accepted: 29, .skipped: 1])
        #expect(try store.pendingOrders(batch: "B-CV").isEmpty)
        let sent = await rig.sandbox.state.orderIds(.cropster)
        #expect(sent.count == 29 && !sent.contains(batch[12].externalId))
        // It is still to send, as edited.
        var sendable = OrderQuery.sendable(to: target.name, canUpdate: true)
        sendable.ids = [batch[12].externalId]
        #expect(try store.count(sendable) == 1)
        await rig.stop()
    }
}
