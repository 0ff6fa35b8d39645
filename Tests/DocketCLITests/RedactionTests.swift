import DocketCore
import Foundation
import Testing

/// A target that echoes our headers in its error pages never gets a
/// credential into the store, its WAL, the output or an export.
@Suite(.serialized) struct RedactionTests {
    @Test func echoedCredentialsAreRedactedEverywhere() throws {
        var docket = try DocketBinary()
        let sandbox = try SandboxProcess(docket, arguments: ["--faults", "echo=1"])
        try sandbox.configure(&docket)
        for file in ["cropster-seed.json", "centra-seed.json", "mirakl-example.json", "omnia-example.json", "dropday-seed.json"] {
            try docket.run("import", DocketBinary.fixture(file))
        }
        var everything: [String] = []
        for target in ["cropster", "centra", "mirakl", "omnia", "dropday"] {
            let sent = try docket.run("submit", "--target", target, "--json")
            everything += [sent.stdout, sent.stderr]
            let text = try docket.run("submit", "--target", target, "--include-unchanged", "--outcome", "rejected,not_saved,unknown")
            everything += [text.stdout, text.stderr]
            // The echo reached Docket and was kept, blanked, with the batch.
            let batch = try JSONParser.parse(sent.stdout).objectValue?["batch"]?.stringValue ?? ""
            #expect(try docket.run("batch", "show", batch, "--json").stdout.contains("[redacted]"), "\(target)")
        }
        for batch in try JSONParser.parse(try docket.run("batches", "--json").stdout).arrayValue ?? [] {
            let shown = try docket.run("batch", "show", batch.objectValue?["batch"]?.stringValue ?? "", "--json")
            everything += [shown.stdout, shown.stderr]
        }
        for format in ["json", "docket", "csv", "cropster", "centra", "mirakl", "omnia", "dropday"] {
            let exported = try docket.run("export", "--format", format)
            everything += [exported.stdout, exported.stderr]
        }
        var files = [docket.storePath]
        if FileManager.default.fileExists(atPath: docket.storePath + "-wal") { files.append(docket.storePath + "-wal") }
        let basic = Data("vendor:omnia-demo-secret".utf8).base64EncodedString()
        for secret in ["cropster-demo-secret", "centra-demo-secret", "mirakl-demo-secret", "omnia-demo-secret", "dropday-demo-key", basic] {
            for file in files {
                #expect(try Data(contentsOf: URL(fileURLWithPath: file)).range(of: Data(secret.utf8)) == nil, "\(secret) in \(file)")
            }
            #expect(!everything.contains { $0.contains(secret) }, "\(secret) in the output")
        }
        // Fetched tokens too: every bearer credential that came back is blanked.
        let all = everything.joined() + files.map { String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: $0))) ?? Data(), as: UTF8.self) }.joined()
        var rest = all[...]
        while let r = rest.range(of: "Bearer ") {
            #expect(rest[r.upperBound...].hasPrefix("[redacted]"), "\(rest[r.lowerBound...].prefix(60))")
            rest = rest[r.upperBound...]
        }
    }
}
