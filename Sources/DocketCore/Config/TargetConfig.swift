import Foundation

/// Everything Docket knows from its config file.
public struct DocketConfig: Sendable {
    public var targets: [String: TargetConfig]
    public var theme: String?
    /// `[store] password_env`: the environment variable that holds a
    /// PostgreSQL store's password (never the password itself).
    public var storePasswordEnv: String?
    /// The file it came from, if any.
    public var path: String?

    public init(targets: [String: TargetConfig] = [:], theme: String? = nil, path: String? = nil) {
        self.targets = targets
        self.theme = theme
        self.path = path
    }

    /// The store's password from the variable `[store] password_env` names;
    /// nil when the config names none (PGPASSWORD or ~/.pgpass then).
    public func storePassword(environment: [String: String] = ProcessInfo.processInfo.environment) throws(DocketError) -> String? {
        guard let name = storePasswordEnv else { return nil }
        guard let value = environment[name], !value.isEmpty else {
            throw DocketError("[store] password_env names \(name), which is not set in this environment", file: path)
        }
        return value
    }

    public func target(_ name: String) throws(DocketError) -> TargetConfig {
        guard let t = targets[name] else {
            let known = targets.keys.sorted()
            let hint = known.isEmpty ? "the config has no targets" : "known targets: \(known.joined(separator: ", "))"
            throw DocketError("there is no target \"\(name)\" (\(hint))", file: path)
        }
        return t
    }
}

/// One configured endpoint of a dialect.
public struct TargetConfig: Sendable {
    public var name: String
    public var dialect: Dialect
    public var baseURL: String
    public var batchSize: Int?
    public var concurrency: Int?
    public var timeoutSeconds: Double?
    /// `rate_limit`: requests per second at most (fractions allowed).
    public var rateLimit: Double?
    public var auth: AuthConfig?
    /// Dialect settings: `contract_id` (Omnia), `channel_id` and
    /// `channel_store_id` (Mirakl), `order_number_field` (Centra), …
    public var settings: [String: String]

    public init(name: String, dialect: Dialect, baseURL: String, batchSize: Int? = nil, concurrency: Int? = nil,
                timeoutSeconds: Double? = nil, auth: AuthConfig? = nil, settings: [String: String] = [:]) {
        self.name = name
        self.dialect = dialect
        self.baseURL = baseURL
        self.batchSize = batchSize
        self.concurrency = concurrency
        self.timeoutSeconds = timeoutSeconds
        self.auth = auth
        self.settings = settings
    }
}

/// How a target authenticates. Secrets are `Secret`s: never their value
/// until a request needs it.
public enum AuthConfig: Sendable {
    case oauth2(tokenURL: String, clientId: String, clientSecret: Secret)
    case bearer(token: Secret)
    case basic(username: String, password: Secret)
    case header(name: String, value: Secret)
    case dropday(apiKey: Secret, accountId: String)

    public var typeName: String {
        switch self {
        case .oauth2: "oauth2"
        case .bearer: "bearer"
        case .basic: "basic"
        case .header: "header"
        case .dropday: "dropday"
        }
    }

    public var secrets: [Secret] {
        switch self {
        case .oauth2(_, _, let s), .bearer(let s), .basic(_, let s), .header(_, let s), .dropday(let s, _): [s]
        }
    }
}

/// Where a secret comes from. Its description never shows the value, so a
/// secret printed or logged by mistake shows only where it lives.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Source: Sendable, Equatable {
        case environment(String)
        case file(String)
        case inline(String)
    }

    public var source: Source
    /// The config key it was given under, for messages.
    public var key: String

    public init(_ source: Source, key: String) {
        self.source = source
        self.key = key
    }

    public var description: String {
        switch source {
        case .environment(let name): "‹secret from $\(name)›"
        case .file(let path): "‹secret from \(path)›"
        case .inline: "‹secret›"
        }
    }

    public var debugDescription: String { description }

    /// The value, read now. A secret file must be readable by its owner
    /// alone, as ssh insists for keys.
    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws(DocketError) -> String {
        switch source {
        case .inline(let v): return v
        case .environment(let name):
            guard let v = environment[name], !v.isEmpty else {
                throw DocketError("\(key) names the environment variable \(name), which is not set")
            }
            return v
        case .file(let path):
            let expanded = (path as NSString).expandingTildeInPath
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: expanded) else {
                throw DocketError("\(key) names a file that cannot be read", file: expanded)
            }
            if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
                throw DocketError("\(key): this secret file can be read by others (mode \(String(mode & 0o777, radix: 8))); run chmod 600 on it", file: expanded)
            }
            guard let data = FileManager.default.contents(atPath: expanded),
                  let text = String(data: data, encoding: .utf8) else {
                throw DocketError("\(key) names a file that cannot be read", file: expanded)
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
