import DocketCore
import Foundation
import TOMLKit

/// Reads Docket's TOML config, refusing what would be unsafe or is
/// probably a typo, with the key at fault in every message.
public enum ConfigLoader {
    static let targetKeys: Set<String> = Set([
        "dialect", "base_url", "batch_size", "concurrency", "rate_limit", "timeout_seconds", "auth", "max_attempts", "max_isolation_depth",
    ] + DialectSetting.all.map(\.key))
    static let inlineSecretKeys: Set<String> = ["client_secret", "password", "token", "value", "api_key"]

    /// Loads `path`. A missing file is an empty config unless it was named
    /// explicitly (`--config`, `DOCKET_CONFIG`).
    public static func load(path: String, explicit: Bool) throws(DocketError) -> DocketConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            if explicit { throw DocketError("the config file does not exist", file: path) }
            return DocketConfig()
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw DocketError("the config file cannot be read (check its permissions)", file: path)
        }
        let mode = ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? 0o600
        return try parse(text, path: path, ownerOnly: mode & 0o077 == 0, mode: mode)
    }

    public static func parse(_ text: String, path: String?, ownerOnly: Bool = true, mode: Int = 0o600) throws(DocketError) -> DocketConfig {
        let table = try TOMLText.table(text, path: path, what: "config")
        var config = DocketConfig(path: path)
        for key in table.keys {
            switch key {
            case "targets":
                guard let targets = table[key]?.table else { throw DocketError("targets must be a table of [targets.NAME]", file: path) }
                for name in targets.keys {
                    guard let t = targets[name]?.table else {
                        throw DocketError("targets.\(name) must be a table", file: path)
                    }
                    config.targets[name] = try target(name, t, path: path, ownerOnly: ownerOnly, mode: mode)
                }
            case "theme":
                guard let s = table[key]?.string else { throw DocketError("theme must be text, the name of a theme", file: path) }
                config.theme = s
            case "store":
                guard let store = table[key]?.table else { throw DocketError("store must be a table: [store]", file: path) }
                for setting in store.keys {
                    switch setting {
                    case "password_env":
                        guard let name = store[setting]?.string, !name.isEmpty else {
                            throw DocketError("[store] password_env must be the name of an environment variable", file: path)
                        }
                        config.storePasswordEnv = name
                    case "password":
                        throw DocketError("[store] password: a password is never written in the config (others may read it); put it in an environment variable and name that in password_env, or use PGPASSWORD or ~/.pgpass", file: path)
                    default:
                        throw DocketError("unknown setting \"\(setting)\" in [store] (known: password_env)", file: path)
                    }
                }
            default:
                throw DocketError("unknown setting \"\(key)\" (known: targets, theme, store)", file: path)
            }
        }
        return config
    }

    static func target(_ name: String, _ t: TOMLTable, path: String?, ownerOnly: Bool, mode: Int) throws(DocketError) -> TargetConfig {
        let at = "targets.\(name)"
        if t["order_number_field"] != nil {
            throw DocketError("\(at).order_number_field is gone: Centra has no orderId and compares only its integer orderNumber. Use order_number = \"auto\" (the default: an imported orderNumber, else an all-digits external id), \"external_id\" or \"none\"", file: path)
        }
        for key in t.keys where !targetKeys.contains(key) {
            throw DocketError("unknown setting \(at).\(key) (known: \(targetKeys.sorted().joined(separator: ", ")))", file: path)
        }
        guard let d = t["dialect"]?.string else {
            throw DocketError("\(at) needs dialect = \"cropster\", \"centra\", \"mirakl\", \"omnia\" or \"dropday\"", file: path)
        }
        guard let dialect = Dialect(rawValue: d) else {
            throw DocketError("\(at).dialect \"\(d)\" is not one of cropster, centra, mirakl, omnia, dropday", file: path)
        }
        guard let baseURL = t["base_url"]?.string, let url = URL(string: baseURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw DocketError("\(at).base_url must be an http(s) URL such as \"https://api.example.com/rpc/v1\"", file: path)
        }
        func int(_ key: String, _ range: ClosedRange<Int>) throws(DocketError) -> Int? {
            guard let v = t[key] else { return nil }
            guard let i = v.int, range.contains(i) else {
                throw DocketError("\(at).\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)", file: path)
            }
            return i
        }
        var target = TargetConfig(name: name, dialect: dialect, baseURL: baseURL)
        target.batchSize = try int("batch_size", 1...100_000)
        target.concurrency = try int("concurrency", 1...64)
        if let v = t["timeout_seconds"] {
            guard let s = v.double ?? v.int.map(Double.init), s > 0 else {
                throw DocketError("\(at).timeout_seconds must be a positive number of seconds", file: path)
            }
            target.timeoutSeconds = s
        }
        if let v = t["rate_limit"] {
            guard let r = v.double ?? v.int.map(Double.init), r > 0, r <= 10_000 else {
                throw DocketError("\(at).rate_limit must be a number of requests per second above 0 (0.5 is one every two seconds)", file: path)
            }
            target.rateLimit = r
        }
        for key in ["max_attempts", "max_isolation_depth"] {
            if let i = try int(key, 1...100) { target.settings[key] = String(i) }
        }
        for setting in DialectSetting.all {
            guard let v = t[setting.key] else { continue }
            guard setting.applies(to: dialect) else {
                let owners = setting.dialects.map(\.rawValue).joined(separator: ", ")
                throw DocketError("\(at).\(setting.key) is a setting of \(owners) targets, and this one is \(dialect.rawValue)", file: path)
            }
            switch setting.kind {
            case .text:
                guard let s = v.string else { throw DocketError("\(at).\(setting.key) must be text", file: path) }
                target.settings[setting.key] = s
            case .bool:
                guard let b = v.bool else { throw DocketError("\(at).\(setting.key) must be true or false (without quotes)", file: path) }
                target.settings[setting.key] = b ? "true" : "false"
            case .choice(let values):
                guard let s = v.string, values.contains(s) else {
                    throw DocketError("\(at).\(setting.key) must be one of \(values.map { "\"\($0)\"" }.joined(separator: ", "))", file: path)
                }
                target.settings[setting.key] = s
            }
        }
        // A products file named relative to the config is found beside it.
        if let file = target.settings["products_file"] {
            var p = (file as NSString).expandingTildeInPath
            if !p.hasPrefix("/"), let path { p = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(p) }
            target.settings["products_file"] = p
        }
        if let a = t["auth"] {
            guard let auth = a.table else { throw DocketError("\(at).auth must be a table", file: path) }
            target.auth = try self.auth(auth, at: at + ".auth", path: path, ownerOnly: ownerOnly, mode: mode)
        }
        // A secret in a URL goes wherever the URL goes: never, whatever the file's mode.
        for (setting, url) in target.credentialURLs {
            let c = URLComponents(string: url)
            if c?.user != nil || c?.password != nil {
                throw DocketError("\(setting) has a user name or password in it; URLs end up in the batch history and in messages. Put the secret in [\(at).auth] (from an environment variable or a file) instead", file: path)
            }
        }
        return target
    }

    static func auth(_ t: TOMLTable, at: String, path: String?, ownerOnly: Bool, mode: Int) throws(DocketError) -> AuthConfig {
        func text(_ key: String) throws(DocketError) -> String {
            guard let s = t[key]?.string, !s.isEmpty else { throw DocketError("\(at).\(key) is required", file: path) }
            return s
        }
        func secret(_ key: String) throws(DocketError) -> Secret {
            let given = [t[key + "_env"]?.string.map { Secret.Source.environment($0) },
                         t[key + "_file"]?.string.map { Secret.Source.file($0) },
                         t[key]?.string.map { Secret.Source.inline($0) }].compactMap { $0 }
            guard given.count == 1 else {
                throw DocketError(given.isEmpty ? "\(at) needs \(key)_env (an environment variable), \(key)_file (a file), or \(key) inline"
                                                : "\(at) gives \(key) more than one way; keep one of \(key)_env, \(key)_file, \(key)", file: path)
            }
            if case .inline = given[0], !ownerOnly {
                throw DocketError("\(at).\(key) is written in the config file, which others can read (mode \(String(mode & 0o777, radix: 8))); run chmod 600 on it, or use \(key)_env or \(key)_file", file: path)
            }
            return Secret(given[0], key: "\(at).\(key)")
        }
        let type = try text("type")
        let allowed: Set<String>
        let result: AuthConfig
        switch type {
        case "oauth2":
            allowed = ["token_url", "client_id"]
            result = .oauth2(tokenURL: try text("token_url"), clientId: try text("client_id"), clientSecret: try secret("client_secret"))
        case "bearer":
            allowed = []
            result = .bearer(token: try secret("token"))
        case "basic":
            allowed = ["username"]
            result = .basic(username: try text("username"), password: try secret("password"))
        case "header":
            allowed = ["name"]
            result = .header(name: t["name"]?.string ?? "API-Authorization", value: try secret("value"))
        case "dropday":
            allowed = ["account_id"]
            result = .dropday(apiKey: try secret("api_key"), accountId: try text("account_id"))
        default:
            throw DocketError("\(at).type \"\(type)\" is not one of oauth2, bearer, basic, header, dropday", file: path)
        }
        let secretKey: String = switch type {
        case "oauth2": "client_secret"
        case "bearer": "token"
        case "basic": "password"
        case "header": "value"
        default: "api_key"
        }
        let known = allowed.union(["type", secretKey, secretKey + "_env", secretKey + "_file"])
        for key in t.keys where !known.contains(key) {
            throw DocketError("unknown setting \(at).\(key) for auth type \(type) (known: \(known.sorted().joined(separator: ", ")))", file: path)
        }
        return result
    }
}
