import DocketCore
import Foundation
import Testing

/// Whatever `import` is handed, it reads it or says in words why not.
@Suite struct ImportInputTests {
    @Test func standardInputAndPipesAreRead() throws {
        let docket = try DocketBinary()
        let body = try String(contentsOfFile: DocketBinary.fixture("cropster-seed.json"), encoding: .utf8)
        let dash = try docket.run(["import", "-"], input: body)
        #expect(dash.status == 0, "\(dash.stderr)")
        #expect(dash.stdout.contains("standard input (cropster): 1 order"))
        let omnia = try String(contentsOfFile: DocketBinary.fixture("omnia-example.json"), encoding: .utf8)
        let devStdin = try docket.run(["import", "/dev/stdin"], input: omnia)
        #expect(devStdin.status == 0 && devStdin.stdout.contains("(omnia): 1 order"), "\(devStdin.stderr)")
        let empty = try docket.run(["import", "-"], input: "")
        #expect(empty.status == 1 && empty.stderr.contains("standard input was empty"))
    }

    @Test(arguments: [
        ("folder", "this is a folder, not a file"),
        (#"{"data": {"x": {"products": []}}}"#, "use --format centra"),
        ("{\"externalId\": \"A\", \"total\": " + String(repeating: "9", count: 100_001) + "}", "a number of 100001 digits (999999999999…)"),
    ])
    func whatCannotBeReadIsSaidInWords(content: String, message: String) throws {
        let docket = try DocketBinary()
        let path: String
        if content == "folder" {
            path = docket.path("orders")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } else {
            path = try docket.write("orders.json", content)
        }
        let result = try docket.run("import", path)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr.prefix(300))")
        #expect(result.stderr.utf8.count < 1000)
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    }
}
