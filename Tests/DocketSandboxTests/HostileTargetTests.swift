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

    static func answer(_ status: String, _ headers: [String] = [], body: String = "") -> [UInt8] {
        Array(("HTTP/1.1 \(status)\r\n" + (headers + ["Content-Length: \(body.utf8.count)", "Connection: close"]).joined(separator: "\r\n")
               + "\r\n\r\n" + body).utf8)
    }

    func bearerTarget(_ server: DripServer, _ dialect: Dialect = .cropster) -> TargetConfig {
        TargetConfig(name: "odd", dialect: dialect, baseURL: server.baseURL, timeoutSeconds: 5,
                     auth: .bearer(token: Secret(.environment("S"), key: "token_env")))
    }

    @Test func everyOddAnswerIsSaidInWords() async throws {
        let transport = AsyncHTTPTransport()
        // Bigger than Docket reads.
        let big = try DripServer(canned: Array("HTTP/1.1 200 OK\r\nContent-Length: \(40 << 20)\r\n\r\n".utf8) + [UInt8](repeating: 0x20, count: 40 << 20))
        do {
            _ = try await transport.send(HTTPRequestData(method: "POST", url: big.baseURL + "/x"), timeout: 20)
            Issue.record("a 40 MiB answer was read")
        } catch {
            #expect(error.message.contains("larger than 32 MiB") && !error.message.contains("NIO"), "\(error.message)")
        }
        big.stop()
        // A redirect is not followed, and said so.
        let redirect = try DripServer(canned: Self.answer("307 Temporary Redirect", ["Location: http://elsewhere.example/x"]))
        var outcomes = try await engine(bearerTarget(redirect), transport).run([Order(externalId: "A")]) { _ in }
        #expect(outcomes.first?.errors.first?.message.contains("redirects this request to http://elsewhere.example/x") == true, "\(outcomes)")
        redirect.stop()
        // Not JSON where Cropster documents its answer.
        let html = try DripServer(canned: Self.answer("200 OK", ["Content-Type: text/html"], body: "<html>login</html>"))
        outcomes = try await engine(bearerTarget(html), transport).run([Order(externalId: "A")]) { _ in }
        #expect(outcomes.map(\.outcome) == [.unknown])
        #expect(outcomes.first?.errors.first?.message.contains("a body that is not JSON") == true, "\(outcomes)")
        html.stop()
        // https to something that does not speak TLS: the handshake fails, nothing is sent.
        let plain = try DripServer(canned: Self.answer("200 OK"))
        do {
            _ = try await transport.send(HTTPRequestData(method: "POST", url: "https://127.0.0.1:\(plain.port)/x"), timeout: 5)
            Issue.record("a TLS request to a plain server was answered")
        } catch {
            #expect(error.message.contains("secure connection (TLS)") && error.message.contains("nothing was sent"), "\(error.message)")
            if case .unreachable = error {} else { Issue.record("not reported as unsent: \(error)") }
        }
        plain.stop()
        await transport.shutdown()
    }

    @Test(arguments: [("307 Temporary Redirect", "redirects to http://sso.example/"), ("", "did not answer"),
                      ("500 Internal Server Error", "answered HTTP 500 instead of a token"), ("401 Unauthorized", "refused the client credentials (HTTP 401)")])
    func tokenEndpointAnswersAreSaidAsTheyWere(status: String, words: String) async throws {
        let server = try DripServer(canned: status.isEmpty ? [] : Self.answer(status, ["Location: http://sso.example/"]))
        let transport = AsyncHTTPTransport()
        let target = TargetConfig(name: "odd", dialect: .cropster, baseURL: server.baseURL, timeoutSeconds: 5,
                                  auth: .oauth2(tokenURL: server.baseURL + "/token", clientId: "c",
                                                clientSecret: Secret(.environment("S"), key: "client_secret_env")))
        let outcomes = try await engine(target, transport).run([Order(externalId: "A")]) { _ in }
        #expect(outcomes.map(\.outcome) == [.notSaved])
        let message = outcomes.first?.errors.first?.message ?? ""
        #expect(message.contains(words) && !message.contains("HTTP 401)") || status.hasPrefix("401"), "\(message)")
        server.stop()
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

@Suite struct TransportLifetimeTests {
    /// A transport dropped without a shutdown (a test or a command that
    /// failed half way) shuts its client down itself: AsyncHTTPClient would
    /// otherwise stop the whole process in its deinit.
    @Test func aTransportDroppedWithoutShutdownShutsItselfDown() async throws {
        for _ in 0..<3 {
            let transport = AsyncHTTPTransport()
            _ = try? await transport.send(HTTPRequestData(method: "GET", url: "http://127.0.0.1:9/"), timeout: 1)
        }
        try await Task.sleep(for: .milliseconds(300))
        let shut = AsyncHTTPTransport()
        await shut.shutdown()
        await shut.shutdown()
        shut.shutdownNow()
    }
}
