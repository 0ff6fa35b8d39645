/// What each vendor publishes about reaching its API: hosts, token
/// endpoints, the auth its integrations use, and the settings a target of
/// that dialect needs. `docket targets init` prints a config section from
/// it, so a new target needs a name, a preset and credentials.
public struct VendorPreset: Sendable {
    public var dialect: Dialect
    /// The production base URL (nil: one host per customer, e.g. Centra).
    public var production: String?
    public var staging: String?
    public var tokenURL: String?
    /// The auth table's lines: key, value, and what the user puts there.
    public var auth: [Line]
    /// The target's own settings, with their defaults.
    public var settings: [Line]
    /// The environment variable the secret is read from.
    public var secretVariable: String

    public struct Line: Sendable {
        public var key: String
        public var value: String
        public var comment: String?
        /// A value the user must replace: said so in the comment.
        public var placeholder: Bool
        /// Printed commented out: there if wanted, off until then.
        public var optional: Bool

        init(_ key: String, _ value: String, _ comment: String? = nil, placeholder: Bool = false, optional: Bool = false) {
            self.key = key
            self.value = value
            self.comment = comment
            self.placeholder = placeholder
            self.optional = optional
        }

        /// A dialect setting's line, with its help from `DialectSetting`.
        static func setting(_ key: String, _ value: String, placeholder: Bool = false, optional: Bool = false) -> Line {
            Line(key, value, DialectSetting.named(key)?.help, placeholder: placeholder, optional: optional)
        }
    }

    public static func of(_ dialect: Dialect) -> VendorPreset {
        switch dialect {
        case .cropster:
            VendorPreset(dialect: dialect, production: "https://api.cropster.com/rpc/v1", staging: nil,
                         tokenURL: "https://auth.cropster.com/oauth2/token",
                         auth: [Line("type", "oauth2"), Line("token_url", "https://auth.cropster.com/oauth2/token"),
                                Line("client_id", "CLIENT-ID", "the service account's client id", placeholder: true),
                                Line("client_secret_env", "CROPSTER_CLIENT_SECRET")],
                         settings: [.setting("scope", "SCOPE", optional: true)],
                         secretVariable: "CROPSTER_CLIENT_SECRET")
        case .mirakl:
            VendorPreset(dialect: dialect, production: "https://miraklconnect.com/api", staging: nil,
                         tokenURL: "https://auth.mirakl.net/oauth/token",
                         auth: [Line("type", "oauth2"), Line("token_url", "https://auth.mirakl.net/oauth/token"),
                                Line("client_id", "CLIENT-ID", "the Mirakl Connect client id", placeholder: true),
                                Line("client_secret_env", "MIRAKL_CLIENT_SECRET")],
                         settings: [.setting("channel_id", "CHANNEL-ID", placeholder: true),
                                    .setting("channel_store_id", "STORE-ID", placeholder: true)],
                         secretVariable: "MIRAKL_CLIENT_SECRET")
        case .omnia:
            VendorPreset(dialect: dialect, production: "https://api.patagona.de", staging: "https://dev.patagona.de", tokenURL: nil,
                         auth: [Line("type", "basic", "Omnia's integrations use HTTP Basic"),
                                Line("username", "USERNAME", "the vendor user", placeholder: true),
                                Line("password_env", "OMNIA_PASSWORD")],
                         settings: [.setting("contract_id", "CONTRACT-ID", placeholder: true),
                                    .setting("products_file", "omnia-products.txt", optional: true)],
                         secretVariable: "OMNIA_PASSWORD")
        case .dropday:
            VendorPreset(dialect: dialect, production: "https://dropday.io", staging: nil, tokenURL: nil,
                         auth: [Line("type", "dropday"), Line("api_key_env", "DROPDAY_API_KEY"),
                                Line("account_id", "ACCOUNT-ID", "your Dropday account id", placeholder: true)],
                         settings: [.setting("test", "false")],
                         secretVariable: "DROPDAY_API_KEY")
        case .centra:
            VendorPreset(dialect: dialect, production: nil, staging: nil, tokenURL: nil,
                         auth: [Line("type", "header"), Line("name", "API-Authorization", "Centra's plugin header"),
                                Line("value_env", "CENTRA_API_KEY")],
                         settings: [.setting("order_number", "auto"),
                                    .setting("pricelist", "PRICELIST", optional: true), .setting("market", "MARKET", optional: true),
                                    .setting("shipping_list", "SHIPPING-LIST", optional: true),
                                    .setting("send_email", "false", optional: true), .setting("adjust_stock", "true", optional: true),
                                    .setting("create_only", "false", optional: true)],
                         secretVariable: "CENTRA_API_KEY")
        }
    }

    /// The config section for a target `name` of this vendor.
    public func section(name: String, staging: Bool, baseURL: String?) throws(DocketError) -> String {
        let url: String
        if let baseURL {
            url = baseURL
        } else if staging {
            guard let s = self.staging else {
                throw DocketError(self.staging == nil && production == nil
                    ? "\(dialect.displayName) has one host per shop: give it with --base-url"
                    : "\(dialect.displayName) publishes no staging host; give one with --base-url, or leave out --staging")
            }
            url = s
        } else {
            guard let p = production else { throw DocketError("\(dialect.displayName) has one host per shop: give it with --base-url") }
            url = p
        }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), !name.isEmpty else {
            throw DocketError("a target's name is letters, digits, - and _ (it becomes [targets.\(name)])")
        }
        func render(_ l: Line) -> String {
            let value = "\"" + l.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            let bare = (Int(l.value) != nil || l.value == "true" || l.value == "false") && !l.placeholder
            let comment = l.placeholder ? "  # replace: \(l.comment ?? "")" : l.comment.map { "  # \($0)" } ?? ""
            return "\(l.optional ? "# " : "")\(l.key) = \(bare ? l.value : value)\(comment)"
        }
        var lines = ["# \(dialect.displayName)\(staging ? " (staging)" : ""): docket targets init \(name) --vendor \(dialect.rawValue)",
                     "# The secret is read from $\(secretVariable) (export it, or use _file for a file only you can read).",
                     "[targets.\(name)]", "dialect = \"\(dialect.rawValue)\"", "base_url = \"\(url)\""]
        // What the engine does when the config says nothing, said here so
        // it can be changed.
        let limit = OrderValidator.requestLimit(dialect).map { "at most \(Plural.orders($0)) a request" } ?? "no limit is documented"
        lines += [Line("batch_size", String(SubmissionSettings.defaultBatchSize(dialect)), limit),
                  Line("concurrency", String(SubmissionSettings.defaultConcurrency), "requests at once, at most; a 429 lowers it for a while"),
                  Line("rate_limit", "10", "requests per second, at most (none unless set)", optional: true),
                  Line("timeout_seconds", String(Int(SubmissionSettings.defaultTimeout)), "for a whole exchange, body included")].map(render)
        lines += settings.map(render)
        lines.append("[targets.\(name).auth]")
        lines += auth.map(render)
        return lines.joined(separator: "\n") + "\n"
    }
}
