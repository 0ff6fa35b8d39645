import DocketCore
import Foundation
import Testing

@Suite struct ValidateCommandTests {
    static let config = """
        [targets.mirakl]
        dialect = "mirakl"
        base_url = "http://127.0.0.1:9/mirakl"
        [targets.cropster]
        dialect = "cropster"
        base_url = "http://127.0.0.1:9/cropster"
        """

    func docket() throws -> DocketBinary {
        var d = try DocketBinary()
        d.environment["DOCKET_CONFIG"] = try d.write("config.toml", Self.config)
        return d
    }

    @Test func cropsterOrdersListTheMiraklFieldsTheyLack() throws {
        let d = try docket()
        try d.run("import", DocketBinary.fixture("cropster-seed.json"))
        let result = try d.run("validate", "--target", "mirakl")
        #expect(result.status == 2)
        #expect(result.stdout.contains("PRC-ORD-101"))
        #expect(result.stdout.contains("items[0].lineId"))
        #expect(result.stdout.contains("order_lines[0].channel_order_line_id"))
        let json = try JSONParser.parse(try d.run("validate", "--target", "mirakl", "--json").stdout)
        #expect(json.objectValue?["failed"] == .number("1"))
        let errors = json.objectValue?["orders"]?.arrayValue?.first?.objectValue?["errors"]?.arrayValue ?? []
        #expect(errors.contains { $0.objectValue?["field"] == .string("fulfillment") })
    }

    @Test func passingOrdersExitZero() throws {
        let d = try docket()
        try d.run("import", DocketBinary.fixture("cropster-seed.json"))
        let result = try d.run("validate", "--target", "cropster")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("all pass"))
    }

    @Test func anUnknownTargetIsNamed() throws {
        let result = try docket().run("validate", "--target", "shopify")
        #expect(result.status == 1)
        #expect(result.stderr.contains("no target \"shopify\""))
        #expect(result.stderr.contains("cropster, mirakl"))
    }
}
