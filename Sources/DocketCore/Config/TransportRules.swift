import Foundation

/// Where a target's credentials may travel. A base or token URL on plain
/// `http://` to anything but this machine would send the secret readable
/// by anyone on the way: refused before anything is sent, unless the target
/// says `allow_insecure_http = true` (and then every run says so). User
/// info in a URL (`http://bob:secret@…`) puts a secret where URLs go (the
/// store's requests, messages): refused in every config.
extension TargetConfig {
    /// The URLs this target sends credentials to, by the setting that names them.
    public var credentialURLs: [(setting: String, url: String)] {
        var urls = [("targets.\(name).base_url", baseURL)]
        if case .oauth2(let tokenURL, _, _)? = auth { urls.append(("targets.\(name).auth.token_url", tokenURL)) }
        return urls
    }

    public var allowsInsecureHTTP: Bool { settings["allow_insecure_http"] == "true" }

    /// Throws when a URL would carry credentials in the clear or holds user
    /// info; returns a warning when plain http is allowed by the config.
    @discardableResult
    public func checkTransport() throws(DocketError) -> String? {
        var insecure: [String] = []
        for (setting, text) in credentialURLs {
            let components = URLComponents(string: text)
            if components?.user != nil || components?.password != nil {
                throw DocketError("\(setting) has a user name or password in it; URLs end up in the batch history and in messages. Put the secret in [targets.\(name).auth] (from an environment variable or a file) instead")
            }
            guard components?.scheme?.lowercased() == "http", let host = components?.host else { continue }
            if Self.isLoopback(host) { continue }
            insecure.append(setting)
        }
        guard let first = insecure.first else { return nil }
        guard allowsInsecureHTTP else {
            throw DocketError("\(first) is plain http:// to \(URLComponents(string: credentialURLs.first { $0.setting == first }!.url)?.host ?? "another host"), which would send \(name)'s credentials readable by anyone on the way. Use https://, or set allow_insecure_http = true in [targets.\(name)] if this network is yours")
        }
        return "warning: \(name) sends its credentials over plain http (\(insecure.joined(separator: ", "))), as allow_insecure_http allows"
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h == "::1" || h.hasPrefix("127.") || h.hasSuffix(".localhost")
    }
}
