import Foundation
import Testing
@testable import DocketCore

/// A target in process that answers every request with what it is told to,
/// and counts what it got.
final class ScriptedTarget: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private let answer: @Sendable (HTTPRequestData, Int) -> HTTPResponseData
    private(set) var requests: [HTTPRequestData] = []

    init(_ answer: @escaping @Sendable (HTTPRequestData, Int) -> HTTPResponseData) { self.answer = answer }

    func send(_ request: HTTPRequestData, timeout: Double) async throws(TransportError) -> HTTPResponseData {
        let n = lock.withLock {
            requests.append(request)
            return requests.count
        }
        return answer(request, n)
    }

    var count: Int { lock.lock(); defer { lock.unlock() }; return requests.count }
}

/// Drives the real engine against a scripted target and keeps what it
/// reported.
func runEngine(_ dialect: Dialect, _ orders: [Order], target transport: ScriptedTarget,
               auth: AuthConfig? = nil, edit: (inout SubmissionSettings) -> Void = { _ in })
    async throws -> (outcomes: [String: OrderOutcome], records: [RequestRecord]) {
    var config = TargetConfig(name: dialect.rawValue, dialect: dialect, baseURL: "http://127.0.0.1:9/x", auth: auth,
                              settings: ["contract_id": "c1"])
    config.batchSize = dialect == .dropday ? 1 : 10
    var settings = try SubmissionSettings(target: config)
    settings.baseDelay = 0.001
    edit(&settings)
    var engine = SubmissionEngine(target: config, transport: transport,
                                  authenticator: try Authenticator(auth: auth, transport: transport, environment: ["S": "secret"]),
                                  validator: try config.validator, settings: settings)
    engine.checkLocally = false
    let records = Records()
    let outcomes = await engine.run(orders) { event in
        if case .response(let r, _) = event { await records.add(r) }
    }
    return (Dictionary(uniqueKeysWithValues: outcomes.map { ($0.externalId, $0) }), await records.all)
}

actor Records {
    var all: [RequestRecord] = []
    func add(_ r: RequestRecord) { all.append(r) }
}

@Suite struct OddAnswerTests {
    struct Case: Sendable, CustomStringConvertible {
        var dialect: Dialect
        var status: Int
        var body: String
        /// Expected outcome per order (orders "A" and "B").
        var a: Outcome
        var b: Outcome
        var description: String { "\(dialect.rawValue) \(status) \(body.prefix(40))" }
    }

    /// Every 2xx that is not the documented success leaves the orders
    /// unknown; the documented ones accept exactly what they name.
    static let cases: [Case] = {
        var list: [Case] = []
        let odd = [(200, "<html><body>Please log in</body></html>"), (200, ""), (200, "{\"ok\":tr"), (202, ""), (201, "{}")]
        for dialect in Dialect.allCases {
            for (status, body) in odd { list.append(Case(dialect: dialect, status: status, body: body, a: .unknown, b: .unknown)) }
            if dialect != .mirakl { list.append(Case(dialect: dialect, status: 204, body: "", a: .unknown, b: .unknown)) }
        }
        list += [
            Case(dialect: .cropster, status: 200, body: #"{"ok":true,"result":{"syncedOrders":[{"id":"9","externalId":"A"}]}}"#, a: .accepted, b: .unknown),
            Case(dialect: .cropster, status: 200, body: #"{"ok":false,"result":{"syncedOrders":[{"id":"9","externalId":"A"}]}}"#, a: .unknown, b: .unknown),
            Case(dialect: .cropster, status: 200, body: #"{"ok":true,"result":{"syncedOrders":[{"id":"9","externalId":"A"},{"id":"8","externalId":"B"}]}}"#, a: .accepted, b: .accepted),
            Case(dialect: .centra, status: 200, body: #"{"A":{"status":"ok","orders":[1]}}"#, a: .accepted, b: .unknown),
            Case(dialect: .centra, status: 200, body: #"{"A":{"status":"ok","orders":[1]},"B":{"status":"queued"}}"#, a: .accepted, b: .unknown),
            Case(dialect: .centra, status: 200, body: #"[{"status":"ok"}]"#, a: .unknown, b: .unknown),
            Case(dialect: .centra, status: 201, body: #"{"A":{"status":"ok","orders":[1]},"B":{"status":"ok","orders":[2]}}"#, a: .unknown, b: .unknown),
            Case(dialect: .mirakl, status: 200, body: #"{"code":"ERR","errors":[{"field":"$.orders[0]","message":"bad"}]}"#, a: .unknown, b: .unknown),
            Case(dialect: .mirakl, status: 201, body: "", a: .unknown, b: .unknown),
            Case(dialect: .mirakl, status: 204, body: "", a: .accepted, b: .accepted),
            Case(dialect: .omnia, status: 201, body: #"{"data":{"ids":["A"]}}"#, a: .accepted, b: .unknown),
            Case(dialect: .omnia, status: 201, body: #"{"data":{"ids":["A","B"]}}"#, a: .accepted, b: .accepted),
            Case(dialect: .omnia, status: 200, body: #"{"data":{"ids":["A","B"]}}"#, a: .unknown, b: .unknown),
            Case(dialect: .omnia, status: 201, body: #"{"data":{}}"#, a: .unknown, b: .unknown),
            Case(dialect: .dropday, status: 200, body: #"{"message":"Order created","reference":7}"#, a: .accepted, b: .accepted),
            Case(dialect: .dropday, status: 200, body: #"{"message":"Order already exists"}"#, a: .exists, b: .exists),
            Case(dialect: .dropday, status: 200, body: #"{"message":"Queued for review"}"#, a: .unknown, b: .unknown),
            Case(dialect: .dropday, status: 201, body: #"{"message":"Order created","reference":7}"#, a: .unknown, b: .unknown),
        ]
        return list
    }()

    @Test(arguments: cases)
    func answersAreTakenOnlyInTheirDocumentedShape(_ c: Case) async throws {
        let target = ScriptedTarget { _, _ in HTTPResponseData(status: c.status, body: Array(c.body.utf8)) }
        let (outcomes, records) = try await runEngine(c.dialect, [Order(externalId: "A"), Order(externalId: "B")], target: target)
        #expect(outcomes["A"]?.outcome == c.a)
        #expect(outcomes["B"]?.outcome == c.b)
        // Settled at once, never sent again: the target may have kept them.
        #expect(target.count == (c.dialect == .dropday ? 2 : 1))
        // The answer is kept as it came, whatever it was.
        #expect(records.allSatisfy { String(decoding: $0.responseBody, as: UTF8.self) == c.body && $0.status == c.status })
        // Centra cannot recognise these orders (no order number): any
        // unknown one is held until someone looks it up.
        for o in outcomes.values where o.outcome == .unknown {
            #expect(o.isHeld == (c.dialect == .centra), "\(o)")
        }
        if c.a == .unknown, c.b == .unknown {
            #expect(outcomes["A"]?.errors.first?.message.contains("HTTP \(c.status)") == true, "\(outcomes["A"]?.errors ?? [])")
        }
    }
}

@Suite struct RevokedTokenTests {
    /// A Cropster whose tokens are revoked by "another process" before each
    /// of the first `revocations` requests.
    func target(revocations: Int) -> ScriptedTarget {
        ScriptedTarget { request, n in
            if request.url.hasSuffix("/token") {
                return HTTPResponseData(status: 200, body: Array(#"{"access_token":"t\#(n)","expires_in":3600}"#.utf8))
            }
            let refusedSoFar = n / 2
            if refusedSoFar <= revocations {
                return HTTPResponseData(status: 401, body: Array(#"{"ok":false,"error":{"code":"unauthorized","message":"revoked"}}"#.utf8))
            }
            return HTTPResponseData(status: 200, body: Array(#"{"ok":true,"result":{"syncedOrders":[{"id":"1","externalId":"A"}]}}"#.utf8))
        }
    }

    static let auth = AuthConfig.oauth2(tokenURL: "http://127.0.0.1:9/token", clientId: "c", clientSecret: Secret(.environment("S"), key: "client_secret_env"))

    @Test func aRequestRetriesWithEachNewerTokenUpToFourTimes() async throws {
        let four = target(revocations: 4)
        let (ok, _) = try await runEngine(.cropster, [Order(externalId: "A")], target: four, auth: Self.auth)
        #expect(ok["A"]?.outcome == .accepted)
        // Each retry carried a token fetched after the refusal.
        let tokens = four.requests.filter { !$0.url.hasSuffix("/token") }.compactMap { $0.headers.first { $0.name == "Authorization" }?.value }
        #expect(tokens == ["Bearer t1", "Bearer t3", "Bearer t5", "Bearer t7", "Bearer t9"])

        let five = target(revocations: 5)
        let (refused, _) = try await runEngine(.cropster, [Order(externalId: "A")], target: five, auth: Self.auth)
        #expect(refused["A"]?.outcome == .notSaved)
        #expect(refused["A"]?.errors.first?.code == "unauthorized")
    }

    @Test func theSameTokenAgainIsNotRetried() async throws {
        let stubborn = ScriptedTarget { request, _ in
            request.url.hasSuffix("/token")
                ? HTTPResponseData(status: 200, body: Array(#"{"access_token":"same","expires_in":3600}"#.utf8))
                : HTTPResponseData(status: 401, body: Array("{}".utf8))
        }
        let (out, _) = try await runEngine(.cropster, [Order(externalId: "A")], target: stubborn, auth: Self.auth)
        #expect(out["A"]?.outcome == .notSaved)
        #expect(stubborn.requests.filter { !$0.url.hasSuffix("/token") }.count == 1)
    }
}
