import DocketCore

/// The five targets a sandbox serves, with its demo credentials: as config
/// values for tests and `docket demo`, and as the TOML `--print-config` prints.
public enum SandboxConfig {
    public static let contract = "qbcxvb"

    public static func targets(baseURL: String, options: SandboxOptions = SandboxOptions()) -> [TargetConfig] {
        [
            TargetConfig(name: "cropster", dialect: .cropster, baseURL: baseURL + "/cropster",
                         auth: .oauth2(tokenURL: baseURL + "/cropster/oauth2/token", clientId: options.cropsterClient.0,
                                       clientSecret: Secret(.inline(options.cropsterClient.1), key: "targets.cropster.auth.client_secret"))),
            TargetConfig(name: "centra", dialect: .centra, baseURL: baseURL + "/centra",
                         auth: .header(name: options.centraHeader, value: Secret(.inline(options.centraSecret), key: "targets.centra.auth.value"))),
            TargetConfig(name: "mirakl", dialect: .mirakl, baseURL: baseURL + "/mirakl",
                         auth: .oauth2(tokenURL: baseURL + "/mirakl/oauth/token", clientId: options.miraklClient.0,
                                       clientSecret: Secret(.inline(options.miraklClient.1), key: "targets.mirakl.auth.client_secret")),
                         settings: ["channel_id": "docket-demo", "channel_store_id": "store-1"]),
            TargetConfig(name: "omnia", dialect: .omnia, baseURL: baseURL + "/omnia",
                         auth: .basic(username: options.omniaUser.0, password: Secret(.inline(options.omniaUser.1), key: "targets.omnia.auth.password")),
                         settings: ["contract_id": contract]),
            TargetConfig(name: "dropday", dialect: .dropday, baseURL: baseURL + "/dropday", concurrency: 8,
                         auth: .dropday(apiKey: Secret(.inline(options.dropdayKey), key: "targets.dropday.auth.api_key"), accountId: options.dropdayAccount)),
        ]
    }

    /// A ready config file. Its secrets are inline, so it must be saved with
    /// mode 0600 (the first line says so).
    public static func toml(baseURL: String, options: SandboxOptions = SandboxOptions()) -> String {
        """
        # Docket config for the sandbox at \(baseURL). The demo secrets below are inline,
        # so Docket reads this file only when it is private:  chmod 600 <this file>

        [targets.cropster]
        dialect = "cropster"
        base_url = "\(baseURL)/cropster"
        [targets.cropster.auth]
        type = "oauth2"
        token_url = "\(baseURL)/cropster/oauth2/token"
        client_id = "\(options.cropsterClient.0)"
        client_secret = "\(options.cropsterClient.1)"

        [targets.centra]
        dialect = "centra"
        base_url = "\(baseURL)/centra"
        [targets.centra.auth]
        type = "header"
        name = "\(options.centraHeader)"
        value = "\(options.centraSecret)"

        [targets.mirakl]
        dialect = "mirakl"
        base_url = "\(baseURL)/mirakl"
        channel_id = "docket-demo"
        channel_store_id = "store-1"
        [targets.mirakl.auth]
        type = "oauth2"
        token_url = "\(baseURL)/mirakl/oauth/token"
        client_id = "\(options.miraklClient.0)"
        client_secret = "\(options.miraklClient.1)"

        [targets.omnia]
        dialect = "omnia"
        base_url = "\(baseURL)/omnia"
        contract_id = "\(contract)"
        [targets.omnia.auth]
        type = "basic"
        username = "\(options.omniaUser.0)"
        password = "\(options.omniaUser.1)"

        [targets.dropday]
        dialect = "dropday"
        base_url = "\(baseURL)/dropday"
        concurrency = 8
        [targets.dropday.auth]
        type = "dropday"
        api_key = "\(options.dropdayKey)"
        account_id = "\(options.dropdayAccount)"

        """
    }
}
