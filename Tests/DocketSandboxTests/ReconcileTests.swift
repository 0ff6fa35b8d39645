import DocketCore
import DocketHTTP
import DocketSandbox
import DocketStore
import Foundation
import Testing
import DocketTestSupport

/// A store in a file of its own holding `orders`, for tests that journal
/// batches sent to the sandbox.
func temporaryStore(_ orders: [Order]) throws -> SQLiteOrderStore {
    let dir = Scratch.folder("sandbox")
    let store = try SQLiteOrderStore(path: dir.appendingPathComponent("docket.sqlite").path)
    _ = try store.importOrders(orders)
    return store
}

/// `unknown` orders settled by asking the target, over real HTTP to the
/// sandbox, recorded in a real store.
@Suite(.serialized) struct ReconcileTests {
    func store(_ orders: [Order]) throws -> SQLiteOrderStore { try temporaryStore(orders) }

    /// A finished batch in which every order went unanswered.
    func unanswered(_ store: SQLiteOrderStore, _ batch: String, _ target: TargetConfig, _ ids: [String], held: Bool = false) throws {
        try store.createBatch(id: batch, target: target.name, dialect: target.dialect, externalIds: ids)
        let errors = held ? [OrderIssue(code: OrderOutcome.mayExistCode, message: "may exist")] : [OrderIssue(code: "timeout", message: "no answer in time")]
        try store.recordOutcomes(batch: batch, target: target.name, ids.map { OrderOutcome(externalId: $0, outcome: .unknown, errors: errors) })
        try store.finishBatch(batch)
    }

    @Test func dropdaySaysWhichOrdersItHasByTheirExactId() async throws {
        let rig = try await Rig.start()
        var batch = orders(3, prefix: "RC-")
        batch[1].externalId = batch[0].externalId + "0"   // "RC-0000000" and "RC-00000000": a partial match
        let target = rig.targets[.dropday]!
        _ = try await rig.submit(.dropday, [batch[1], batch[2]])
        let store = try store(batch)
        try unanswered(store, "B-DD", target, batch.map(\.externalId))
        let lookups = try await Reconciler.forTarget(target, transport: rig.transport).reconcile(batch: "B-DD", store: store)
        let found = Dictionary(uniqueKeysWithValues: lookups.map { ($0.externalId, $0.finding) })
        #expect(found[batch[0].externalId] == .notFound)
        if case .found(let reference)? = found[batch[1].externalId] { #expect(reference != nil) } else { Issue.record("\(found)") }
        if case .found? = found[batch[2].externalId] {} else { Issue.record("\(found)") }
        let report = try #require(try store.batch("B-DD"))
        let outcomes = Dictionary(uniqueKeysWithValues: report.outcomes.map { ($0.externalId, $0) })
        #expect(outcomes[batch[0].externalId]?.outcome == .notSaved)
        #expect(outcomes[batch[1].externalId]?.outcome == .accepted && outcomes[batch[1].externalId]?.remoteIds.count == 1)
        // Each lookup is in the audit trail, as a GET with its answer.
        let requests = try store.requests(batch: "B-DD", withBodies: true)
        #expect(requests.count == 3 && requests.allSatisfy { $0.method == "GET" && $0.status == 200 })
        #expect(requests.allSatisfy { $0.url.contains("external_id=") })
        // The one Dropday does not have goes with the next send; the others do not.
        let next = try store.page(OrderQuery.sendable(to: target.name, canUpdate: false), after: nil, limit: 10).map(\.externalId)
        #expect(next == [batch[0].externalId])
        await rig.stop()
    }

    @Test func centraIsAskedByOrderNumberAndOnlyWhenThereIsOne() async throws {
        let rig = try await Rig.start()
        var batch = orders(3, prefix: "RC-")
        batch[0].externalId = "7001"
        batch[1].externalId = "7002"
        let target = rig.targets[.centra]!
        _ = try await rig.submit(.centra, [batch[0]])
        let store = try store(batch)
        try unanswered(store, "B-CE", target, [batch[0].externalId, batch[1].externalId])
        try unanswered(store, "B-CE2", target, [batch[2].externalId], held: true)
        let reconciler = try Reconciler.forTarget(target, transport: rig.transport)
        let first = try await reconciler.reconcile(batch: "B-CE", store: store)
        #expect(first.map(\.finding) == [.found(remoteId: "7001"), .notFound])
        let second = try await reconciler.reconcile(batch: "B-CE2", store: store)
        if case .notAsked(let why)? = second.first?.finding { #expect(why.contains("without an integer orderNumber")) } else { Issue.record("\(second)") }
        // Still held: it stays out of sends.
        let report = try #require(try store.batch("B-CE2"))
        #expect(report.outcomes.first?.isHeld == true)
        #expect(try store.requests(batch: "B-CE", withBodies: false).map(\.url).allSatisfy { $0.contains("/orders?order=700") })
        await rig.stop()
    }

    @Test func upsertTargetsAreNotAskedButResent() async throws {
        let rig = try await Rig.start()
        let batch = orders(1, prefix: "RC-")
        let target = rig.targets[.omnia]!
        let store = try store(batch)
        try unanswered(store, "B-OM", target, [batch[0].externalId])
        let lookups = try await Reconciler.forTarget(target, transport: rig.transport).reconcile(batch: "B-OM", store: store)
        if case .notAsked(let why)? = lookups.first?.finding { #expect(why.contains("upsert")) } else { Issue.record("\(lookups)") }
        #expect(try store.requests(batch: "B-OM", withBodies: false).isEmpty)
        await rig.stop()
    }
}

/// The sandbox answers as each vendor documents, beyond the happy path.
@Suite struct SandboxVendorAnswerTests {
    func handle(_ state: SandboxState, _ method: String, _ path: String, headers: [(String, String)] = [], body: String = "") async -> SandboxReply? {
        if case .reply(let r) = await state.handle(SandboxRequest(method: method, path: path, headers: headers, body: Array(body.utf8))) { return r }
        return nil
    }

    let omniaAuth = [("Authorization", "Basic " + Data("vendor:omnia-demo-secret".utf8).base64EncodedString())]

    @Test func omniaKnowsItsContractsAndRefusesStrayFields() async throws {
        let state = SandboxState()
        let body = String(decoding: try TestFiles.bytes("omnia-strict.json"), as: UTF8.self)
        let unknown = await handle(state, "PUT", "/omnia/api/v3/vendor/contracts/nope/orders", headers: omniaAuth, body: body)
        #expect(unknown?.status == 404)
        let known = await handle(state, "PUT", "/omnia/api/v3/vendor/contracts/\(SandboxConfig.contract)/orders", headers: omniaAuth, body: body)
        #expect(known?.status == 201)
        let stray = body.replacingOccurrences(of: #""referrer": "newsletter","#, with: #""referrer": "newsletter", "coupon": "X","#)
            .replacingOccurrences(of: #""version": "3","#, with: #""version": "3", "dryRun": true,"#)
        let refused = await handle(state, "PUT", "/omnia/api/v3/vendor/contracts/\(SandboxConfig.contract)/orders", headers: omniaAuth, body: stray)
        #expect(refused?.status == 400)
        let messages = refused?.body?.objectValue?["errors"]?.arrayValue?.compactMap { $0.objectValue?["message"]?.stringValue } ?? []
        #expect(messages.contains { $0.contains("coupon") } && messages.contains { $0.contains("dryRun") })
        let dateOnly = body.replacingOccurrences(of: "2026-04-02T09:41:07Z", with: "2026-04-02")
        #expect(await handle(state, "PUT", "/omnia/api/v3/vendor/contracts/\(SandboxConfig.contract)/orders", headers: omniaAuth, body: dateOnly)?.status == 400)
        // A contract the state file declares exists.
        try await state.load(["omnia": ["contracts": ["c-42": ["orders": []]]]])
        #expect(await handle(state, "PUT", "/omnia/api/v3/vendor/contracts/c-42/orders", headers: omniaAuth, body: body)?.status == 201)
    }

    @Test func eachAPIAnswers429InItsOwnShape() async throws {
        var faults = Faults()
        faults.rateLimited = 1
        let state = SandboxState(options: SandboxOptions(faults: faults))
        let paths = [("POST", "/cropster/mrp.order.setOrders", "error"), ("POST", "/centra/orders", "msg"), ("POST", "/mirakl/v1/orders", "code"),
                     ("PUT", "/omnia/api/v3/vendor/contracts/\(SandboxConfig.contract)/orders", "errors"), ("POST", "/dropday/api/v1/orders", "message")]
        for (method, path, member) in paths {
            let reply = await handle(state, method, path, body: "{}")
            #expect(reply?.status == 429)
            #expect(reply?.headers.contains { $0.0 == "Retry-After" } == true)
            #expect(reply?.body?.objectValue?[member] != nil, "\(path): \(reply.map { String(decoding: $0.bytes, as: UTF8.self) } ?? "")")
        }
        #expect(await handle(state, "POST", "/dropday/api/v1/orders", body: "{}")?.body == ["message": "Too Many Attempts."])
    }

    @Test func tokenAnswersAreShapedAsEachVendorDocuments() async throws {
        var options = SandboxOptions()
        options.cropsterScope = "mrp:write"
        let state = SandboxState(options: options)
        let form = "grant_type=client_credentials&client_id=docket-demo&client_secret="
        let mirakl = await handle(state, "POST", "/mirakl/oauth/token", body: form + "mirakl-demo-secret")?.body?.objectValue
        #expect(mirakl?["expires_in"] == .number("3599"))
        #expect(mirakl?["target_app"] != nil && mirakl?["resource_owner"] != nil && mirakl?["token_type"] == .string("Bearer"))
        let noScope = await handle(state, "POST", "/cropster/oauth2/token", body: form + "cropster-demo-secret")
        #expect(noScope?.status == 403)
        let scoped = await handle(state, "POST", "/cropster/oauth2/token", body: form + "cropster-demo-secret&scope=mrp%3Awrite")
        #expect(scoped?.status == 200 && scoped?.body?.objectValue?["scope"] == .string("mrp:write"))
    }

    @Test func aTargetsScopeIsAskedForAndAMissingOneIsSaid() async throws {
        var options = SandboxOptions()
        options.cropsterScope = "mrp:write"
        let sandbox = try await SandboxServer.start(SandboxState(options: options))
        let transport = AsyncHTTPTransport()
        var target = SandboxConfig.targets(baseURL: sandbox.baseURL).first { $0.dialect == .cropster }!
        let without = try Authenticator(auth: target.auth, transport: transport)
        do {
            _ = try await without.headers()
            Issue.record("a token without the scope")
        } catch {
            if case .refused(let m) = error { #expect(m.contains("HTTP 403") && m.contains("scope")) }
        }
        target.settings["scope"] = "mrp:write"
        let engine = try SubmissionEngine.forTarget(target, transport: transport)
        let outcomes = await engine.run(orders(2)) { _ in }
        #expect(outcomes.allSatisfy { $0.outcome == .accepted }, "\(outcomes)")
        await transport.shutdown()
        await sandbox.stop()
    }
}
