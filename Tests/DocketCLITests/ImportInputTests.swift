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

/// A store this user cannot write still lists, shows and exports.
@Suite struct ReadOnlyStoreTests {
    @Test func commandsThatOnlyReadWorkOnAStoreTheUserCannotWrite() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let docket = try DocketBinary()
        try docket.run("import", DocketBinary.fixture("cropster-seed.json"))
        chmod(docket.folder.path, 0o755)
        chmod(docket.storePath, 0o644)
        func asNobody(_ arguments: [String]) throws -> DocketBinary.Result {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            p.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", DocketBinary.url.path] + arguments
            p.environment = ["DOCKET_STORE": docket.storePath, "XDG_CONFIG_HOME": docket.path("nobody-config"), "HOME": "/tmp"]
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return .init(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
        }
        for command in [["orders"], ["order", "show", "PRC-ORD-101"], ["batches"], ["export", "--format", "cropster"]] {
            let r = try asNobody(command)
            #expect(r.status == 0, "\(command): \(r.stderr)")
        }
        #expect(try asNobody(["orders"]).stdout.contains("PRC-ORD-101"))
        let write = try asNobody(["import", DocketBinary.fixture("omnia-example.json")])
        #expect(write.status == 1 && write.stderr.contains("read-only"), "\(write.stderr)")
    }
}
