import DocketConfig
import DocketCore
import Foundation
import Testing

/// Where credentials may travel.
@Suite struct TransportRuleTests {
    func target(_ lines: String) throws -> TargetConfig {
        try #require(try ConfigLoader.parse("[targets.t]\n" + lines, path: "docket.toml", ownerOnly: true).targets["t"])
    }

    static let auth = "[targets.t.auth]\ntype = \"bearer\"\ntoken_env = \"T\"\n"

    @Test func plainHTTPToAnotherHostIsRefusedBeforeAnythingIsSent() throws {
        let t = try target("dialect = \"omnia\"\nbase_url = \"http://api.example.com\"\ncontract_id = \"c\"\n" + Self.auth)
        #expect {
            _ = try SubmissionEngine.forTarget(t, transport: NeverTransport())
        } throws: { error in
            let m = (error as? DocketError)?.message ?? ""
            return m.contains("targets.t.base_url") && m.contains("allow_insecure_http = true") && m.contains("api.example.com")
        }
        #expect(throws: DocketError.self) { try Reconciler.forTarget(t, transport: NeverTransport()) }
    }

    @Test func theTokenURLCountsToo() throws {
        let t = try target("""
            dialect = "cropster"
            base_url = "https://api.example.com"
            [targets.t.auth]
            type = "oauth2"
            token_url = "http://auth.example.com/token"
            client_id = "c"
            client_secret_env = "S"
            """)
        #expect { try t.checkTransport() } throws: { ($0 as? DocketError)?.message.contains("targets.t.auth.token_url") == true }
    }

    @Test func allowedPlainHTTPWarnsAndLoopbackIsFine() throws {
        let allowed = try target("dialect = \"dropday\"\nbase_url = \"http://10.0.0.5/dropday\"\nallow_insecure_http = true\n" + Self.auth)
        #expect(try allowed.checkTransport()?.contains("sends its credentials over plain http") == true)
        for host in ["127.0.0.1:8080", "localhost", "[::1]:9000"] {
            let local = try target("dialect = \"dropday\"\nbase_url = \"http://\(host)/dropday\"\n" + Self.auth)
            #expect(try local.checkTransport() == nil)
        }
    }

    @Test(arguments: ["http://bob:SECRET@127.0.0.1:9/x", "https://bob@api.example.com/x"])
    func userInfoInAURLIsRefusedWhateverTheFilesMode(url: String) {
        #expect {
            try ConfigLoader.parse("[targets.t]\ndialect = \"dropday\"\nbase_url = \"\(url)\"\n", path: "docket.toml", ownerOnly: true)
        } throws: { error in
            let m = (error as? DocketError)?.message ?? ""
            return m.contains("user name or password") && !m.contains("SECRET")
        }
    }
}

struct NeverTransport: HTTPTransport {
    func send(_ request: HTTPRequestData, timeout: Double) async throws(TransportError) -> HTTPResponseData {
        Issue.record("nothing may be sent")
        throw .unreachable("never")
    }
}

@Suite struct StorePasswordTests {
    /// A team store's password is named in the config, never written in it,
    /// and never taken from a URL.
    @Test func thePasswordComesFromTheVariableTheConfigNames() throws {
        let config = try ConfigLoader.parse("[store]\npassword_env = \"DOCKET_DB_PASSWORD\"\n", path: "docket.toml")
        #expect(config.storePasswordEnv == "DOCKET_DB_PASSWORD")
        #expect(try config.storePassword(environment: ["DOCKET_DB_PASSWORD": "s3cret"]) == "s3cret")
        #expect(throws: DocketError.self) { try config.storePassword(environment: [:]) }
        #expect(try ConfigLoader.parse("", path: "docket.toml").storePassword(environment: [:]) == nil)
        do {
            _ = try ConfigLoader.parse("[store]\npassword = \"s3cret\"\n", path: "docket.toml")
            Issue.record("a password in the config was taken")
        } catch {
            #expect(error.message.contains("never written in the config"))
            #expect(!error.message.contains("s3cret"))
        }
        #expect(throws: DocketError.self) { try ConfigLoader.parse("[store]\nhost = \"x\"\n", path: "docket.toml") }
    }
}
