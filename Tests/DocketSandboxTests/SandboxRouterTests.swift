import DocketCore
import DocketSandbox
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The sandbox's router in process (HummingbirdTesting's `.router`): vendor
/// shapes for refusals, tokens, and state rules.
@Suite struct SandboxRouterTests {
    func app(_ state: SandboxState) -> some ApplicationProtocol {
        Application(router: SandboxServer.router(state))
    }

    func json(_ s: String) -> ByteBuffer { ByteBuffer(string: s) }

    @Test func unauthenticatedRequestsGetEachVendorsRefusal() async throws {
        let state = SandboxState()
        try await app(state).test(.router) { client in
            let cropster = try await client.execute(uri: "/cropster/mrp.order.setOrders", method: .post, body: json(#"{"data":[]}"#))
            #expect(cropster.status == .unauthorized)
            #expect(try JSONParser.parse(Array(buffer: cropster.body)).objectValue?["ok"] == .bool(false))
            let omnia = try await client.execute(uri: "/omnia/api/v3/vendor/contracts/x/orders", method: .put, body: json("{}"))
            #expect(omnia.status == .unauthorized)
            #expect(try JSONParser.parse(Array(buffer: omnia.body)).objectValue?["errors"]?.arrayValue?.count == 1)
            let dropday = try await client.execute(uri: "/dropday/api/v1/orders", method: .post, body: json("{}"))
            #expect(dropday.status == .unauthorized)
            let missing = try await client.execute(uri: "/nothing/here", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test func tokensNeedTheClientsCredentials() async throws {
        let state = SandboxState()
        try await app(state).test(.router) { client in
            let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let bad = try await client.execute(uri: "/mirakl/oauth/token", method: .post, headers: headers,
                                               body: json("grant_type=client_credentials&client_id=docket-demo&client_secret=nope"))
            #expect(bad.status == .unauthorized)
            let good = try await client.execute(uri: "/mirakl/oauth/token", method: .post, headers: headers,
                                                body: json("grant_type=client_credentials&client_id=docket-demo&client_secret=mirakl-demo-secret"))
            #expect(good.status == .ok)
            let token = try JSONParser.parse(Array(buffer: good.body)).objectValue
            #expect(token?["access_token"]?.stringValue?.isEmpty == false)
            #expect(token?["expires_in"] == .number("3599.0") || token?["expires_in"] == .number("3599"))
        }
    }

    func cropster(_ state: SandboxState, _ body: String) async -> SandboxReply? {
        let token = await state.handle(SandboxRequest(method: "POST", path: "/cropster/oauth2/token", headers: [],
                                                      body: Array("grant_type=client_credentials&client_id=docket-demo&client_secret=cropster-demo-secret".utf8)))
        guard case .reply(let t) = token, let access = t.body?.objectValue?["access_token"]?.stringValue else { return nil }
        let action = await state.handle(SandboxRequest(method: "POST", path: "/cropster/mrp.order.setOrders",
                                                       headers: [("Authorization", "Bearer \(access)")], body: Array(body.utf8)))
        if case .reply(let r) = action { return r }
        return nil
    }

    @Test func cropsterKeepsTheOrderDateAndRefusesOrdersNoLongerOpen() async throws {
        let state = SandboxState()
        let first = await cropster(state, #"{"data":[{"externalId":"A","orderDate":"2026-01-01T01:11:00Z","orderItems":[{"sku":"S","quantity":1}]}]}"#)
        #expect(first?.status == 200)
        let update = await cropster(state, #"{"data":[{"externalId":"A","orderDate":"2026-05-05T05:05:05Z","orderItems":[{"sku":"S","quantity":2}]}]}"#)
        #expect(update?.status == 200)
        #expect(await state.cropsterOrderDate("A") == "2026-01-01T01:11:00Z")
        await state.setCropsterOrder("A", status: "CLOSED")
        let refused = await cropster(state, #"{"data":[{"externalId":"A","orderDate":"2026-01-01T01:11:00Z","orderItems":[{"sku":"S","quantity":3}]},{"externalId":"B","orderDate":"2026-01-01T01:11:00Z","orderItems":[{"sku":"S","quantity":1}]}]}"#)
        #expect(refused?.status == 422)
        #expect(refused?.body?.objectValue?["error"]?.objectValue?["code"] == .string("bulk_operation_failed"))
        #expect(await state.orderIds(.cropster) == ["A"])
        let tooMany = await cropster(state, "{\"data\":[" + Array(repeating: #"{"externalId":"X","orderDate":"2026-01-01T01:11:00Z","orderItems":[{"sku":"S","quantity":1}]}"#, count: 51).joined(separator: ",") + "]}")
        #expect(tooMany?.status == 400)
    }

    @Test func miraklIgnoresStaleUpdatesSilently() async throws {
        let state = SandboxState()
        var g = OrderGenerator(seed: 1)
        var order = g.order(1)
        order.updatedAt = "2026-06-01T00:00:00Z"
        let options = EncodeOptions(mode: .complete)
        let token = await state.handle(SandboxRequest(method: "POST", path: "/mirakl/oauth/token", headers: [],
                                                      body: Array("grant_type=client_credentials&client_id=docket-demo&client_secret=mirakl-demo-secret".utf8)))
        guard case .reply(let t) = token, let access = t.body?.objectValue?["access_token"]?.stringValue else { Issue.record("no token"); return }
        func send(_ o: Order) async -> Int {
            let body = JSONWriter.data(try! MiraklCodec().encodeRequest([o], options: options))
            let action = await state.handle(SandboxRequest(method: "POST", path: "/mirakl/v1/orders", headers: [("Authorization", "Bearer \(access)")], body: body))
            if case .reply(let r) = action { return r.status }
            return 0
        }
        #expect(await send(order) == 204)
        var stale = order
        stale.updatedAt = "2026-01-01T00:00:00Z"
        #expect(await send(stale) == 204)
        #expect(await state.miraklUpdatedAt(order.externalId) == "2026-06-01T00:00:00Z")
    }

    @Test func stateFilesLoadAndBadOnesAreNamed() async throws {
        let state = SandboxState()
        try await state.load(try JSONParser.parse(#"{"cropster":{"orders":[{"externalId":"OLD-1","status":"CLOSED"}]},"dropday":{"orders":["D-1"]},"omnia":{"contracts":{"c1":{"products":["P1"]}}}}"#))
        #expect(await state.orderIds(.cropster) == ["OLD-1"])
        #expect(await state.orderIds(.dropday) == ["D-1"])
        await #expect(throws: DocketError.self) { try await state.load(try JSONParser.parse(#"{"shopify":{}}"#)) }
    }

    @Test func faultSpecsParseAndTyposAreRefused() throws {
        let f = try Faults(spec: "latency=50ms,5xx=0.3,429=0.1,retry_after=2,drop=0.15,malformed=0.05,token_ttl=1,anonymous=1,seed=7")
        #expect(f.latency == 0.05 && f.serverErrors == 0.3 && f.rateLimited == 0.1 && f.retryAfter == 2)
        #expect(f.drop == 0.15 && f.malformed == 0.05 && f.tokenTTL == 1 && f.anonymousDetails && f.seed == 7)
        #expect(throws: DocketError.self) { try Faults(spec: "5xx=30%") }
        #expect(throws: DocketError.self) { try Faults(spec: "lag=5") }
    }
}
