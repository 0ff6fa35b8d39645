import Foundation
import Testing

@Suite struct ConfigTests {
    static let inline = """
        [targets.omnia]
        dialect = "omnia"
        base_url = "http://127.0.0.1:8080/omnia"
        contract_id = "qbcxvb"
        [targets.omnia.auth]
        type = "basic"
        username = "vendor"
        password = "s3cret-inline"
        """

    @Test func inlineSecretsNeedAnOwnerOnlyFile() throws {
        let docket = try DocketBinary()
        let config = try docket.write("config.toml", Self.inline)
        chmod(config, 0o644)
        let refused = try docket.run("orders", "--config", config)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("chmod 600"))
        #expect(!refused.stderr.contains("s3cret-inline"))
        chmod(config, 0o600)
        #expect(try docket.run("orders", "--config", config).status == 0)
    }

    @Test func envAndFileSecretsAreAcceptedAnywhere() throws {
        let docket = try DocketBinary()
        let config = try docket.write("config.toml", Self.inline.replacingOccurrences(of: "password = \"s3cret-inline\"", with: "password_env = \"OMNIA_PASSWORD\""))
        chmod(config, 0o644)
        #expect(try docket.run("orders", "--config", config).status == 0)
    }

    @Test(arguments: [
        ("[targets.x]\ndialect = \"shopify\"\nbase_url = \"http://h\"", "not one of cropster"),
        ("[targets.x]\ndialect = \"omnia\"\nbase_url = \"ftp://h\"", "base_url must be an http(s) URL"),
        ("[targets.x]\ndialect = \"omnia\"\nbase_url = \"http://h\"\nbatchsize = 5", "unknown setting targets.x.batchsize"),
        ("[targets.x]\ndialect = \"omnia\"\nbase_url = \"http://h\"\n[targets.x.auth]\ntype = \"basic\"\nusername = \"u\"", "password_env"),
        ("[targets.x\ndialect = 1", "not valid TOML"),
    ])
    func badConfigsAreNamed(text: String, message: String) throws {
        let docket = try DocketBinary()
        let config = try docket.write("config.toml", text)
        let result = try docket.run("orders", "--config", config)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.contains("config.toml"))
    }

    @Test func aNamedConfigThatIsMissingIsAnError() throws {
        let docket = try DocketBinary()
        let result = try docket.run("orders", "--config", docket.path("nope.toml"))
        #expect(result.status == 1)
        #expect(result.stderr.contains("does not exist"))
    }
}

@Suite struct ExitCodeTests {
    @Test(arguments: [["bogus"], ["orders", "--sort", "price"], ["import"], ["export", "--format", "xml"], ["order", "show"]])
    func badArgumentsExitOne(arguments: [String]) throws {
        let result = try DocketBinary().run(arguments)
        #expect(result.status == 1)
        #expect(!result.stderr.isEmpty)
    }

    @Test func helpAndVersionExitZero() throws {
        let docket = try DocketBinary()
        #expect(try docket.run("--help").status == 0)
        #expect(try docket.run("--version").status == 0)
        let help = try docket.run("import", "--help")
        #expect(help.status == 0)
        #expect(help.stdout.contains("one transaction"))
    }
}
