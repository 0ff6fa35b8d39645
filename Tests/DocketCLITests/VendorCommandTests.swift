import DocketCore
import Foundation
import Testing

/// The commands around the vendors' own shapes: one encoder for export and
/// submit, reconcile, and what validate says goes out converted.
@Suite(.serialized) struct VendorCommandTests {
    @Test(arguments: [("cropster-offset-date.json", "cropster"), ("centra-vendor.json", "centra"), ("mirakl-example.json", "mirakl"),
                      ("omnia-strict.json", "omnia"), ("dropday-shipping.json", "dropday")])
    func exportAsATargetIsByteForByteWhatSubmitSends(file: String, target: String) throws {
        var docket = try DocketBinary()
        let sandbox = try SandboxProcess(docket)
        try sandbox.configure(&docket)
        let imported = try docket.run("import", DocketBinary.fixture(file))
        #expect(imported.status == 0, "\(imported.stderr)")
        let bodyPath = docket.path("body.json")
        let exported = try docket.run("export", "--as", target, "-o", bodyPath)
        #expect(exported.status == 0, "\(exported.stderr)")
        let sent = try docket.run("submit", "--target", target, "--json")
        #expect(sent.status == 0, "\(sent.stdout.prefix(1500))")
        let batch = try #require(try JSONParser.parse(sent.stdout).objectValue?["batch"]?.stringValue)
        let shown = try JSONParser.parse(try docket.run("batch", "show", batch, "--json").stdout).objectValue
        let requests = shown?["requests"]?.arrayValue ?? []
        // Dropday takes one order a request; the others, the whole file.
        #expect(requests.count == 1)
        let wire = try #require(requests.first?.objectValue?["requestBody"]?.stringValue)
        #expect(Array(wire.utf8) == Array(try Data(contentsOf: URL(fileURLWithPath: bodyPath))))
        if target == "cropster" { #expect(wire.contains("2026-04-02T08:15:00Z") && !wire.contains("+02:00")) }
    }

    @Test func aMiraklExportCarriesTheTargetsOriginWhenTheOrdersHaveNone() throws {
        var docket = try DocketBinary()
        let sandbox = try SandboxProcess(docket)
        try sandbox.configure(&docket)
        try docket.run("import", DocketBinary.fixture("cropster-seed.json"))
        let exported = try docket.run("export", "--format", "mirakl")
        let origin = try JSONParser.parse(exported.stdout).objectValue?["origin"]?.objectValue
        #expect(origin?["channel_id"] == .string("docket-demo") && origin?["channel_store_id"] == .string("store-1"), "\(exported.stdout.prefix(500))")
    }

    @Test func validateSaysWhatGoesOutConverted() throws {
        var docket = try DocketBinary()
        let sandbox = try SandboxProcess(docket)
        try sandbox.configure(&docket)
        try docket.run("import", DocketBinary.fixture("cropster-offset-date.json"))
        let checked = try docket.run("validate", "--target", "cropster")
        #expect(checked.status == 0, "\(checked.stdout)")
        #expect(checked.stdout.contains("orderDate 2026-04-02T10:15:00+02:00 goes to Cropster as 2026-04-02T08:15:00Z"))
        let json = try JSONParser.parse(try docket.run("validate", "--target", "cropster", "--json").stdout).objectValue
        #expect(json?["converted"]?.arrayValue?.count == 1)
    }

    @Test func exportAsRefusesWhatTheTargetWouldRefuseAndSaysWhere() throws {
        var docket = try DocketBinary()
        let sandbox = try SandboxProcess(docket)
        try sandbox.configure(&docket)
        let stray = try String(contentsOfFile: DocketBinary.fixture("omnia-strict.json"), encoding: .utf8)
            .replacingOccurrences(of: #""referrer": "newsletter","#, with: #""referrer": "newsletter", "coupon": "SPRING","#)
        try docket.run("import", "--format", "omnia", try docket.write("stray.json", stray))
        let refused = try docket.run("export", "--as", "omnia")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("OMN-2026-5531") && refused.stderr.contains("coupon"))
        let skipping = try docket.run("export", "--as", "omnia", "--skip-invalid")
        #expect(skipping.status == 0 && !skipping.stdout.contains("OMN-2026-5531") && skipping.stdout.contains("OMN-2026-5532"))
        let faithful = try docket.run("export", "--format", "omnia")
        #expect(faithful.status == 0 && faithful.stderr.contains("warning") && faithful.stderr.contains("coupon"))
        let submitted = try docket.run("submit", "--target", "omnia", "--json")
        let outcomes = try JSONParser.parse(submitted.stdout).objectValue?["orders"]?.arrayValue ?? []
        #expect(outcomes.first { $0.objectValue?["externalId"] == .string("OMN-2026-5531") }?.objectValue?["outcome"] == .string("skipped"))
    }

    @Test func reconcileSettlesWhatWentUnanswered() throws {
        var docket = try DocketBinary()
        // Every saved order's answer is cut off, and the target allows one try.
        let sandbox = try SandboxProcess(docket, arguments: ["--faults", "drop=1"])
        try sandbox.configure(&docket)
        let config = try String(contentsOfFile: docket.environment["DOCKET_CONFIG"]!, encoding: .utf8)
            .replacingOccurrences(of: "dialect = \"dropday\"\n", with: "dialect = \"dropday\"\nmax_attempts = 1\n")
        try config.write(toFile: docket.environment["DOCKET_CONFIG"]!, atomically: true, encoding: .utf8)
        chmod(docket.environment["DOCKET_CONFIG"]!, 0o600)
        try docket.run("import", DocketBinary.fixture("dropday-seed.json"), DocketBinary.fixture("dropday-shipping.json"))
        let sent = try docket.run("submit", "--target", "dropday", "--json")
        #expect(sent.status == 2)
        #expect(try JSONParser.parse(sent.stdout).objectValue?["counts"]?.objectValue?["unknown"] == .number("2"), "\(sent.stdout)")
        let settled = try docket.run("reconcile", "--target", "dropday")
        #expect(settled.status == 0, "\(settled.stdout)\(settled.stderr)")
        #expect(settled.stdout.contains("L41223D  accepted: dropday has it"))
        #expect(settled.stdout.contains("2 orders settled, 0 orders still unknown"))
        let again = try docket.run("reconcile")
        #expect(again.status == 0 && again.stdout.contains("nothing to settle"))
        let orders = try JSONParser.parse(try docket.run("orders", "--json").stdout).arrayValue ?? []
        #expect(orders.allSatisfy { $0.objectValue?["lastOutcome"] == .string("accepted") })
    }
}
