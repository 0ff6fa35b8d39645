import DocketCore
import Foundation
import Testing

@Suite struct TargetsCommandTests {
    @Test func aPresetPrintsAConfigThatLoadsAndSaysWhetherItsSecretResolves() throws {
        var docket = try DocketBinary()
        var config = ""
        for (name, vendor, extra) in [("omnia-prod", "omnia", [String]()), ("omnia-test", "omnia", ["--staging"]),
                                      ("cropster", "cropster", []), ("mirakl", "mirakl", []), ("dropday", "dropday", []),
                                      ("shop", "centra", ["--base-url", "https://shop.example.com/api/plugin"])] {
            let printed = try docket.run(["targets", "init", name, "--vendor", vendor] + extra)
            #expect(printed.status == 0, "\(printed.stderr)")
            config += printed.stdout + "\n"
        }
        #expect(config.contains("base_url = \"https://api.patagona.de\""))
        #expect(config.contains("base_url = \"https://dev.patagona.de\""))
        #expect(config.contains("token_url = \"https://auth.cropster.com/oauth2/token\""))
        #expect(config.contains("token_url = \"https://auth.mirakl.net/oauth/token\""))
        #expect(config.contains("base_url = \"https://miraklconnect.com/api\""))
        #expect(config.contains("order_number = \"auto\""))
        #expect(config.contains("test = false"))
        #expect(config.contains("# scope = \"SCOPE\""))
        docket.environment["DOCKET_CONFIG"] = try docket.write("config.toml", config)
        docket.environment["OMNIA_PASSWORD"] = "s3cret-value"
        docket.environment.removeValue(forKey: "CROPSTER_CLIENT_SECRET")
        let listed = try docket.run("targets")
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines.first { $0.hasPrefix("omnia-prod") }?.contains("api.patagona.de") == true)
        #expect(lines.first { $0.hasPrefix("omnia-prod") }?.contains("resolves") == true)
        #expect(lines.first { $0.hasPrefix("cropster") }?.contains("CROPSTER_CLIENT_SECRET, which is not set") == true)
        // Never the secret itself.
        #expect(!listed.stdout.contains("s3cret-value"))
        #expect(!(try docket.run("targets", "--json").stdout.contains("s3cret-value")))
    }

    @Test(arguments: [(["c", "--vendor", "centra"], "one host per shop"), (["c", "--vendor", "cropster", "--staging"], "no staging host"),
                      (["c", "--vendor", "shopify"], "is not one of"), (["bad name", "--vendor", "omnia"], "letters, digits")])
    func whatAPresetCannotDoIsSaid(arguments: [String], message: String) throws {
        let result = try DocketBinary().run(["targets", "init"] + arguments)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
