import DocketCore
import DocketHTTP
import Foundation
import Testing

/// A target that starts answering and never finishes: the timeout bounds
/// the whole exchange, body included, for requests and token fetches.
@Suite(.serialized) struct HostileTargetTests {
    func engine(_ target: TargetConfig, _ transport: AsyncHTTPTransport) throws -> SubmissionEngine {
        var settings = try SubmissionSettings(target: target)
        settings.maxAttempts = 2
        settings.baseDelay = 0.01
        var engine = SubmissionEngine(target: target, transport: transport,
                                      authenticator: try Authenticator(auth: target.auth, transport: transport, timeout: settings.timeout,
                                                                       environment: ["S": "secret"]),
                                      validator: try target.validator, settings: settings)
        engine.checkLocally = false
        return engine
    }

    @Test func aDripFedBodyEndsAtTheTimeout() async throws {
        let server = try DripServer()
        defer { server.stop() }
        let transport = AsyncHTTPTransport()
        do {
            _ = try await transport.send(HTTPRequestData(method: "POST", url: server.baseURL + "/x", body: Array("{}".utf8)), timeout: 1)
            Issue.record("a body that never ends came back as an answer")
        } catch {
            #expect(error == .timeout)
        }
        await transport.shutdown()
    }

    @Test func aDripFedAnswerLeavesTheOrdersUnknown() async throws {
        let server = try DripServer()
        defer { server.stop() }
        let transport = AsyncHTTPTransport()
        let target = TargetConfig(name: "slow", dialect: .cropster, baseURL: server.baseURL, timeoutSeconds: 1,
                                  auth: .bearer(token: Secret(.environment("S"), key: "token_env")))
        let outcomes = try await engine(target, transport).run([Order(externalId: "A")]) { _ in }
        #expect(outcomes.map(\.outcome) == [.unknown])
        #expect(outcomes.first?.errors.first?.message.contains("no answer in time") == true)
        #expect(server.requestsSeen == 2)
        await transport.shutdown()
    }

    @Test func aDripFedTokenEndpointEndsAtTheTimeout() async throws {
        let server = try DripServer()
        defer { server.stop() }
        let transport = AsyncHTTPTransport()
        let target = TargetConfig(name: "slow", dialect: .cropster, baseURL: server.baseURL, timeoutSeconds: 1,
                                  auth: .oauth2(tokenURL: server.baseURL + "/token", clientId: "c",
                                                clientSecret: Secret(.environment("S"), key: "client_secret_env")))
        let outcomes = try await engine(target, transport).run([Order(externalId: "A")]) { _ in }
        // Nothing went to the orders' endpoint: not saved, and said why.
        #expect(outcomes.map(\.outcome) == [.notSaved])
        #expect(outcomes.first?.errors.first?.message.contains("did not answer") == true, "\(outcomes)")
        await transport.shutdown()
    }
}
