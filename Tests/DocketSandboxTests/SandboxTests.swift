import DocketCore
import DocketHTTP
import DocketSandbox
import Foundation
import Testing

/// A sandbox on a free loopback port, a transport, and an engine per target.
struct Rig {
    let sandbox: RunningSandbox
    let transport: AsyncHTTPTransport
    var targets: [Dialect: TargetConfig] = [:]

    static func start(faults: Faults = Faults()) async throws -> Rig {
        let state = SandboxState(options: SandboxOptions(faults: faults))
        let sandbox = try await SandboxServer.start(state)
        var rig = Rig(sandbox: sandbox, transport: AsyncHTTPTransport())
        for t in SandboxConfig.targets(baseURL: sandbox.baseURL) { rig.targets[t.dialect] = t }
        return rig
    }

    func engine(_ dialect: Dialect, edit: (inout TargetConfig) -> Void = { _ in }) throws -> SubmissionEngine {
        var target = targets[dialect]!
        edit(&target)
        var settings = try SubmissionSettings(target: target)
        settings.baseDelay = 0.01
        return SubmissionEngine(target: target, transport: transport,
                                authenticator: try Authenticator(auth: target.auth, transport: transport),
                                validator: try target.validator, settings: settings)
    }

    func submit(_ dialect: Dialect, _ orders: [Order], edit: (inout TargetConfig) -> Void = { _ in }) async throws -> [String: OrderOutcome] {
        let outcomes = await (try engine(dialect, edit: edit)).run(orders) { _ in }
        #expect(outcomes.count == orders.count)
        return Dictionary(uniqueKeysWithValues: outcomes.map { ($0.externalId, $0) })
    }

    func stop() async {
        await transport.shutdown()
        await sandbox.stop()
    }
}

/// A count shared with a report closure (the engine calls it from its tasks).
final class Gauge: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    var count: Int {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

func orders(_ n: Int, seed: UInt64 = 1, prefix: String = "T-") -> [Order] {
    var g = OrderGenerator(seed: seed, itemsPerOrder: 1...3)
    return (0..<n).map { g.order($0, prefix: prefix) }
}

@Suite(.serialized) struct SandboxSubmissionTests {
    @Test(arguments: Dialect.allCases)
    func thirtyValidOrdersAreAllAccepted(dialect: Dialect) async throws {
        let rig = try await Rig.start()
        let result = try await rig.submit(dialect, orders(30))
        #expect(result.values.allSatisfy { $0.outcome == .accepted }, "\(result.values.filter { $0.outcome != .accepted }.prefix(2))")
        #expect(await rig.sandbox.state.orderIds(dialect).count == 30)
        await rig.stop()
    }
}

@Suite(.serialized) struct IsolationTests {
    @Test(arguments: [false, true])
    func cropsterIsolatesOrdersNoLongerOpen(anonymous: Bool) async throws {
        var faults = Faults()
        faults.anonymousDetails = anonymous
        let rig = try await Rig.start(faults: faults)
        let batch = orders(60, prefix: "C-")
        let closed = [batch[4].externalId, batch[31].externalId, batch[57].externalId]
        for id in closed { await rig.sandbox.state.setCropsterOrder(id, status: "PROCESSING") }
        let result = try await rig.submit(.cropster, batch)
        let rejected = result.values.filter { $0.outcome == .rejected }.map(\.externalId).sorted()
        #expect(rejected == closed.sorted())
        #expect(result.values.filter { $0.outcome == .accepted }.count == 57)
        #expect(result[closed[0]]?.errors.first?.code == "order_not_open")
        await rig.stop()
    }

    @Test func omniaIsolatesUnknownItemIds() async throws {
        let rig = try await Rig.start()
        var batch = orders(40, prefix: "O-")
        let known = Set(batch.flatMap { $0.items.compactMap { $0.productId ?? $0.sku } })
        await rig.sandbox.state.setOmniaProducts(SandboxConfig.contract, known)
        for i in [3, 22] { batch[i].items[0].productId = "NOT-IN-CONTRACT-\(i)" }
        let result = try await rig.submit(.omnia, batch)
        #expect(result.values.filter { $0.outcome == .rejected }.map(\.externalId).sorted() == [batch[22].externalId, batch[3].externalId].sorted())
        #expect(result.values.filter { $0.outcome == .accepted }.count == 38)
        #expect(result[batch[3].externalId]?.errors.first?.message.contains("NOT-IN-CONTRACT-3") == true)
        await rig.stop()
    }

    @Test func miraklRejectionsCarryCanonicalFields() async throws {
        let rig = try await Rig.start()
        var batch = orders(10, prefix: "M-")
        batch[6].items[0].name = nil
        var engine = try rig.engine(.mirakl)
        engine.checkLocally = false
        let outcomes = Dictionary(uniqueKeysWithValues: await engine.run(batch) { _ in }.map { ($0.externalId, $0) })
        let bad = try #require(outcomes[batch[6].externalId])
        #expect(bad.outcome == .rejected)
        #expect(bad.errors.first?.field == "items[0].name")
        #expect(outcomes.values.filter { $0.outcome == .accepted }.count == 9)
        await rig.stop()
    }

    @Test func dropdayRejectionsCarryCanonicalFields() async throws {
        let rig = try await Rig.start()
        var batch = orders(3, prefix: "D-")
        batch[1].shippingAddress?.firstName = nil
        batch[1].customer?.firstName = nil
        batch[1].items[0].productId = nil
        batch[1].items[0].sku = nil
        var engine = try rig.engine(.dropday)
        engine.checkLocally = false
        let outcomes = Dictionary(uniqueKeysWithValues: await engine.run(batch) { _ in }.map { ($0.externalId, $0) })
        let bad = try #require(outcomes[batch[1].externalId])
        #expect(bad.outcome == .rejected)
        #expect(Set(bad.errors.compactMap(\.field)) == ["shippingAddress.firstName", "items[0].productId"])
        #expect(outcomes[batch[0].externalId]?.outcome == .accepted)
        await rig.stop()
    }

    @Test func centraStockAndExistingOrderNumbers() async throws {
        let rig = try await Rig.start()
        // Centra recognises a repeat only by its integer orderNumber: ids
        // of digits go as one (order_number = auto).
        let batch = orders(6, prefix: "Z-").enumerated().map { i, o in
            var order = o
            order.externalId = String(9100 + i)
            return order
        }
        _ = try await rig.submit(.centra, [batch[0]])
        let sku = try #require(batch[2].items[0].sku)
        await rig.sandbox.state.setCentraStock(sku, 0)
        let result = try await rig.submit(.centra, batch)
        #expect(result[batch[0].externalId]?.outcome == .exists)
        #expect(result[batch[0].externalId]?.errors.first?.code == "-5")
        #expect(result[batch[2].externalId]?.outcome == .rejected)
        #expect(result[batch[2].externalId]?.errors.first?.code == "-2")
        await rig.stop()
    }
}

@Suite(.serialized) struct TransportAndAuthTests {
    @Test func wrongCredentialsAreNotSavedAndSaySo() async throws {
        let rig = try await Rig.start()
        for dialect in [Dialect.cropster, .centra, .omnia, .dropday] {
            let result = try await rig.submit(dialect, orders(3)) { t in
                switch t.auth! {
                case .oauth2(let url, let id, _): t.auth = .oauth2(tokenURL: url, clientId: id, clientSecret: Secret(.inline("s3cr3t-WRONG-value"), key: "k"))
                case .header(let n, _): t.auth = .header(name: n, value: Secret(.inline("s3cr3t-WRONG-value"), key: "k"))
                case .basic(let u, _): t.auth = .basic(username: u, password: Secret(.inline("s3cr3t-WRONG-value"), key: "k"))
                case .dropday(_, let a): t.auth = .dropday(apiKey: Secret(.inline("s3cr3t-WRONG-value"), key: "k"), accountId: a)
                case .bearer: break
                }
            }
            #expect(result.values.allSatisfy { $0.outcome == .notSaved && $0.errors.first?.code == "unauthorized" }, "\(dialect)")
            #expect(!result.values.flatMap(\.errors).map(\.message).joined().contains("s3cr3t-WRONG-value"))
        }
        await rig.stop()
    }

    @Test func moreOrdersThanOneRequestTakesAreSplit() async throws {
        let rig = try await Rig.start()
        let engine = try rig.engine(.cropster)
        #expect(engine.plan(orders(120)).requests.map(\.count) == [50, 50, 20])
        let result = try await rig.submit(.cropster, orders(120))
        #expect(result.values.allSatisfy { $0.outcome == .accepted })
        #expect(await rig.sandbox.state.requestCount == 3)
        await rig.stop()
    }

    /// Pages are taken whole, single orders one by one, and more may come
    /// while some are still waiting: every order goes out once, in the
    /// order given, in full requests.
    @Test func pagesTakenWholeKeepTheirOrder() async throws {
        let rig = try await Rig.start()
        var planner = try rig.engine(.cropster).planner()
        let all = orders(230)
        planner.add(Array(all[0..<120]))
        let first = planner.next()
        var requests = [try #require(first)]
        planner.add(Array(all[120..<200]))
        planner.add(all[200])
        planner.add(Array(all[201...]))
        planner.finish()
        while let r = planner.next() { requests.append(r) }
        #expect(requests.map(\.count) == [50, 50, 50, 50, 30])
        #expect(requests.joined().map(\.externalId) == all.map(\.externalId))
        await rig.stop()
    }

    /// A batch reads its orders a page at a time as requests free up: the
    /// first answer comes before most pages were read, every order is
    /// settled once, and a page that cannot be read ends the run with the
    /// error after what was out is answered.
    @Test func ordersAreReadAPageAtATimeAsTheyGoOut() async throws {
        let rig = try await Rig.start()
        let engine = try rig.engine(.cropster) { $0.batchSize = 10; $0.concurrency = 2 }
        let all = orders(400)
        let reads = Gauge()
        var next = 0
        let firstAnswer = Gauge()
        let settled = try await engine.run(pages: {
            guard next < all.count else { return nil }
            defer { next += 20 }
            reads.count += 1
            return Array(all[next..<min(next + 20, all.count)])
        }) { event in
            if case .response = event, firstAnswer.count == 0 { firstAnswer.count = reads.count }
        }
        #expect(settled == 400)
        #expect(reads.count == 20)
        #expect(firstAnswer.count <= 3, "the first answer came after \(firstAnswer.count) of 20 pages were read")
        #expect(await rig.sandbox.state.orderIds(.cropster).count == 400)

        struct Unreadable: Error {}
        var pages = 0
        await #expect(throws: Unreadable.self) {
            try await engine.run(pages: {
                pages += 1
                if pages == 3 { throw Unreadable() }
                return Array(orders(20, prefix: "U\(pages)-"))
            }) { _ in }
        }
        #expect(await rig.sandbox.state.orderIds(.cropster).count == 440, "the two pages read before the error were sent")
        await rig.stop()
    }

    @Test func retriesThroughServerErrorsAndRateLimits() async throws {
        var faults = Faults()
        faults.serverErrors = 0.3
        faults.rateLimited = 0.2
        faults.retryAfter = 0
        faults.seed = 3
        let rig = try await Rig.start(faults: faults)
        let result = try await rig.submit(.centra, orders(40)) { $0.batchSize = 5; $0.settings["max_attempts"] = "12" }
        #expect(result.values.allSatisfy { $0.outcome.isTaken }, "\(result.values.filter { !$0.outcome.isTaken })")
        #expect(await rig.sandbox.state.orderIds(.centra).count == 40)
        await rig.stop()
    }

    @Test func anUnreachableTargetIsNotSaved() async throws {
        let rig = try await Rig.start()
        let result = try await rig.submit(.dropday, orders(2)) { $0.baseURL = "http://127.0.0.1:9/dropday"; $0.settings["max_attempts"] = "2" }
        #expect(result.values.allSatisfy { $0.outcome == .notSaved })
        await rig.stop()
    }

    @Test func shortLivedTokensAreRenewed() async throws {
        var faults = Faults()
        faults.tokenTTL = 1
        let rig = try await Rig.start(faults: faults)
        let engine = try rig.engine(.mirakl)
        for round in 0..<3 {
            let batch = orders(5, seed: UInt64(round + 10), prefix: "R\(round)-")
            let outcomes = await engine.run(batch) { _ in }
            #expect(outcomes.allSatisfy { $0.outcome == .accepted }, "\(outcomes.filter { $0.outcome != .accepted })")
            try await Task.sleep(for: .milliseconds(900))
        }
        await rig.sandbox.state.revokeTokens()
        let outcomes = await engine.run(orders(5, seed: 99, prefix: "V-")) { _ in }
        #expect(outcomes.allSatisfy { $0.outcome == .accepted })
        await rig.stop()
    }

    @Test func theSandboxPublishesItsOpenAPIDocument() async throws {
        let rig = try await Rig.start()
        let response = try await rig.transport.send(HTTPRequestData(method: "GET", url: rig.sandbox.baseURL + "/openapi.json"), timeout: 5)
        #expect(response.status == 200)
        let doc = try JSONParser.parse(response.body)
        let paths = doc.objectValue?["paths"]?.objectValue
        #expect(paths?.keys.count == 10)
        // The lookups reconcile uses are there beside the order endpoints.
        #expect(paths?["/centra/orders"]?.objectValue?["get"] != nil && paths?["/dropday/api/v1/orders"]?.objectValue?["get"] != nil)
        await rig.stop()
    }
}

@Suite(.serialized) struct DroppedAnswerTests {
    @Test func droppedOrMalformedAnswersEndUnknownNeverAccepted() async throws {
        var faults = Faults()
        faults.drop = 1
        let rig = try await Rig.start(faults: faults)
        let result = try await rig.submit(.omnia, orders(4)) { $0.settings["max_attempts"] = "2" }
        #expect(result.values.allSatisfy { $0.outcome == .unknown })
        await rig.stop()
        var malformed = Faults()
        malformed.malformed = 1
        let rig2 = try await Rig.start(faults: malformed)
        let result2 = try await rig2.submit(.cropster, orders(4)) { $0.settings["max_attempts"] = "2" }
        #expect(result2.values.allSatisfy { $0.outcome == .unknown }, "\(result2.values)")
        await rig2.stop()
    }

    @Test func dropdayResentAfterADroppedAnswerIsRecognisedAsExisting() async throws {
        let rig = try await Rig.start()
        let batch = orders(3, prefix: "DD-")
        _ = try await rig.submit(.dropday, batch)
        let again = try await rig.submit(.dropday, batch)
        #expect(again.values.allSatisfy { $0.outcome == .exists })
        #expect(await rig.sandbox.state.orderIds(.dropday).count == 3)
        await rig.stop()
    }
}

@Suite(.serialized) struct LosesNothingTests {
    static var centraFaults: Faults {
        var faults = Faults()
        faults.serverErrors = 0.3
        faults.rateLimited = 0.1
        faults.drop = 0.15
        faults.retryAfter = 0
        faults.seed = 11
        return faults
    }

    @Test func centraWithOrderNumbersThroughErrorsLimitsAndDroppedConnectionsHoldsEachOrderOnce() async throws {
        let rig = try await Rig.start(faults: Self.centraFaults)
        // All-digit external ids go as Centra's integer orderNumber, which
        // Centra refuses to create twice (-5): resending is safe.
        let batch = orders(40, prefix: "CF-").enumerated().map { i, o in
            var order = o
            order.externalId = String(7000 + i)
            return order
        }
        let result = try await rig.submit(.centra, batch)
        #expect(result.values.allSatisfy { $0.outcome.isTaken }, "\(result.values.filter { !$0.outcome.isTaken })")
        #expect(await rig.sandbox.state.orderIds(.centra) == batch.map(\.externalId).sorted())
        await rig.stop()
    }

    @Test func centraWithoutOrderNumbersIsNeverSentTwiceAfterAnUnansweredSend() async throws {
        let rig = try await Rig.start(faults: Self.centraFaults)
        let batch = orders(40, prefix: "CF-")
        let result = try await rig.submit(.centra, batch)
        let held = result.values.filter { $0.outcome == .unknown }
        // Each order is accepted, or may exist and says so; none is created
        // twice, so Centra holds no more orders than could have arrived.
        #expect(result.values.allSatisfy { $0.outcome == .accepted || $0.errors.first?.code == OrderOutcome.mayExistCode })
        #expect(held.allSatisfy { $0.isHeld && $0.errors[0].message.contains("may exist at Centra") })
        #expect(!held.isEmpty, "the faults were meant to leave some sends unanswered")
        let created = await rig.sandbox.state.orderIds(.centra).count
        let accepted = result.values.filter { $0.outcome == .accepted }.count
        #expect(created >= accepted && created <= accepted + held.count)
        await rig.stop()
    }

    @Test func tokensRevokedMidBatchCostNoOrder() async throws {
        var faults = Faults()
        faults.tokenTTL = 1
        faults.latency = 0.05
        let rig = try await Rig.start(faults: faults)
        let engine = try rig.engine(.cropster) { $0.batchSize = 5; $0.concurrency = 2 }
        async let outcomes = engine.run(orders(60, prefix: "TK-")) { _ in }
        try await Task.sleep(for: .milliseconds(200))
        await rig.sandbox.state.revokeTokens()
        let all = await outcomes
        #expect(all.count == 60)
        #expect(all.allSatisfy { $0.outcome == .accepted }, "\(all.filter { $0.outcome != .accepted }.prefix(3))")
        await rig.stop()
    }
}
