import Foundation

/// Supplies each request's credentials. OAuth2 tokens are cached with their
/// expiry, renewed shortly before it, fetched one at a time however many
/// requests wait, and dropped on a 401 so the next request fetches anew.
public actor Authenticator {
    public enum Failure: Error, Sendable {
        /// The token endpoint said no: trying again will not change it.
        case refused(String)
        /// No token this time (no answer, 429, 5xx): worth another try.
        case unavailable(String)

        public var message: String {
            switch self {
            case .refused(let m), .unavailable(let m): m
            }
        }
    }

    let auth: AuthConfig?
    let transport: any HTTPTransport
    let timeout: Double
    /// OAuth2 scopes to ask for (space-separated), when the target sets them.
    let scope: String?
    /// Secrets resolved once, up front, so a missing one fails before
    /// anything is sent.
    let secret: String?
    private var token: (value: String, renewAt: ContinuousClock.Instant)?
    /// Every token this process was given, for redaction (a refused one may
    /// still come back in an error page).
    private var issued: [String] = []
    /// Built once per set of secrets, not for every answer.
    private var cachedRedactor: Redactor?
    private var fetching: Task<(String, Double), any Error>?
    public private(set) var tokensFetched = 0

    public init(auth: AuthConfig?, transport: any HTTPTransport, timeout: Double = 30, scope: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(DocketError) {
        self.auth = auth
        self.transport = transport
        self.timeout = timeout
        self.scope = scope
        secret = try auth?.secrets.first?.resolve(environment: environment)
    }

    /// The credentials of `target`, after checking where they may go
    /// (plain http to another host is refused before anything is sent).
    public static func forTarget(_ target: TargetConfig, transport: any HTTPTransport,
                                 settings: SubmissionSettings) throws(DocketError) -> Authenticator {
        try target.checkTransport()
        return try Authenticator(auth: target.auth, transport: transport, timeout: settings.timeout, scope: target.settings["scope"])
    }

    public var usesTokens: Bool { if case .oauth2? = auth { true } else { false } }

    /// The headers that authenticate a request now.
    public func headers() async throws(Failure) -> [(name: String, value: String)] {
        guard let auth, let secret else { return [] }
        switch auth {
        case .bearer: return [("Authorization", "Bearer \(secret)")]
        case .basic(let user, _): return [("Authorization", "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString())]
        case .header(let name, _): return [(name, secret)]
        case .dropday(_, let account): return [("api-key", secret), ("account-id", account)]
        case .oauth2(let url, let client, _): return [("Authorization", "Bearer \(try await currentToken(url: url, client: client, secret: secret))")]
        }
    }

    /// Every secret this target's requests carry: to blank out of answers.
    public func redactor() -> Redactor {
        if let cachedRedactor { return cachedRedactor }
        var secrets = issued
        if let secret {
            secrets.append(secret)
            if case .basic(let user, _)? = auth { secrets.append(Data("\(user):\(secret)".utf8).base64EncodedString()) }
        }
        let redactor = Redactor(secrets: secrets)
        cachedRedactor = redactor
        return redactor
    }

    /// Drops a token the target refused, unless a newer one already replaced it.
    public func invalidate(_ headers: [(name: String, value: String)]) {
        guard let sent = headers.first(where: { $0.name == "Authorization" })?.value, let token,
              sent == "Bearer \(token.value)" else { return }
        self.token = nil
    }

    func currentToken(url: String, client: String, secret: String) async throws(Failure) -> String {
        if let token, ContinuousClock.now < token.renewAt { return token.value }
        let task: Task<(String, Double), any Error>
        if let fetching {
            task = fetching
        } else {
            let transport = self.transport, timeout = self.timeout, scope = self.scope
            task = Task { try await Self.fetch(url: url, client: client, secret: secret, scope: scope, transport: transport, timeout: timeout) }
            fetching = task
        }
        do {
            let (value, lifetime) = try await task.value
            if fetching == task {
                fetching = nil
                tokensFetched += 1
                // Renew a little before expiry: 20% of a short lifetime, 30 s of a long one.
                let margin = min(30, lifetime * 0.2)
                token = (value, ContinuousClock.now + .milliseconds(Int((lifetime - margin) * 1000)))
                issued.append(value)
                if issued.count > 64 { issued.removeFirst() }
                cachedRedactor = nil
            }
            return value
        } catch {
            if fetching == task { fetching = nil }
            throw (error as? Failure) ?? .refused("\(error)")
        }
    }

    static func fetch(url: String, client: String, secret: String, scope: String?, transport: any HTTPTransport,
                      timeout: Double) async throws -> (String, Double) {
        func form(_ s: String) -> String {
            s.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
        }
        var body = "grant_type=client_credentials&client_id=\(form(client))&client_secret=\(form(secret))"
        if let scope { body += "&scope=\(form(scope))" }
        let request = HTTPRequestData(method: "POST", url: url,
                                      headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                                      body: Array(body.utf8))
        let response: HTTPResponseData
        do { response = try await transport.send(request, timeout: timeout) } catch {
            throw Failure.unavailable("the token endpoint \(url) did not answer: \(error.message)")
        }
        if response.status == 403 {
            throw Failure.refused("the token endpoint \(url) refused the client (HTTP 403): its service account lacks a scope"
                + (scope.map { " (asked for: \($0))" } ?? "; set the target's scope setting to the one it needs"))
        }
        switch response.status {
        case 200: break
        case 300...399:
            let to = response.header("Location").map { " to \($0)" } ?? ""
            throw Failure.refused("the token endpoint \(url) redirects\(to) (HTTP \(response.status)); Docket does not follow redirects with credentials: check token_url")
        case 429, 500...599:
            throw Failure.unavailable("the token endpoint \(url) answered HTTP \(response.status) instead of a token")
        case 400, 401:
            throw Failure.refused("the token endpoint \(url) refused the client credentials (HTTP \(response.status)): check client_id and the secret")
        default:
            throw Failure.refused("the token endpoint \(url) answered HTTP \(response.status) instead of a token")
        }
        guard let json = try? JSONParser.parse(response.body).objectValue, let token = json["access_token"]?.stringValue else {
            throw Failure.refused("the token endpoint \(url) answered HTTP 200 without an access_token"
                                  + (response.body.isEmpty ? " (an empty body)" : ""))
        }
        let lifetime = json["expires_in"].flatMap(scalarText).flatMap(Double.init) ?? 3600
        return (token, max(lifetime, 0.5))
    }
}
