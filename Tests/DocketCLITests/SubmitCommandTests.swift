import DocketCore
import Foundation
import GRDB
import Testing

/// `docket sandbox` as a separate process on a free loopback port.
final class SandboxProcess {
    let process: Process
    let port: Int

    init(_ docket: DocketBinary, arguments: [String] = []) throws {
        let (p, out, _) = try docket.start(["sandbox", "--port", "0"] + arguments)
        process = p
        var text = ""
        let handle = out.fileHandleForReading
        while !text.contains("\n") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression),
              let port = Int(text[range].split(separator: ":").last!) else {
            p.terminate()
            throw DocketError("the sandbox did not start: \(text)")
        }
        self.port = port
    }

    func configure(_ docket: inout DocketBinary) throws {
        let config = try docket.run("sandbox", "--print-config", "--port", String(port)).stdout
        let path = try docket.write("sandbox.toml", config)
        chmod(path, 0o600)
        docket.environment["DOCKET_CONFIG"] = path
    }

    /// How many orders the sandbox holds for a dialect.
    func orders(_ dialect: String) throws -> Int {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "http://127.0.0.1:\(port)/_sandbox/orders/\(dialect)"]
        let out = Pipe()
        curl.standardOutput = out
        try curl.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        return try JSONParser.parse(data).objectValue?["orders"]?.arrayValue?.count ?? -1
    }

    deinit {
        process.interrupt()
        process.waitUntilExit()
    }
}

@Suite(.serialized) struct SubmitCommandTests {
    @Test(arguments: Dialect.allCases)
    func thirtyOrdersImportedInTheirDialectAreAllAccepted(dialect: Dialect) throws {
        var docket = try DocketBinary()
        let sandbox = try SandboxProcess(docket)
        try sandbox.configure(&docket)
        var g = OrderGenerator(seed: 30)
        let orders = (0..<30).map { i -> Order in
            var o = g.order(i, prefix: "\(dialect.rawValue.uppercased())-")
            o.importedFrom = dialect
            return o
        }
        let files: [String] = try dialect == .dropday
            ? [docket.write("orders.json", JSONWriter.string(try DropdayCodec().encodeRequest(orders, options: EncodeOptions())))]
            : [docket.write("orders.json", JSONWriter.string(try dialect.codec.encodeRequest(orders, options: EncodeOptions())))]
        let imported = try docket.run(["import", "--format", dialect.rawValue] + files)
        #expect(imported.status == 0, "\(imported.stderr)")
        let result = try docket.run("submit", "--target", dialect.rawValue, "--json")
        #expect(result.status == 0, "\(result.stdout.prefix(2000))\(result.stderr)")
        let report = try JSONParser.parse(result.stdout).objectValue
        #expect(report?["counts"]?.objectValue?["accepted"] == .number("30"))
        #expect(report?["orders"]?.arrayValue?.count == 30)
        // Nothing left to send: the default selection skips what the target took.
        let again = try docket.run("submit", "--target", dialect.rawValue)
        #expect(again.status == 0)
        #expect(again.stdout.contains("No orders to send"))
    }

    @Test func theJSONReportHasTheContractShapeAndTheAuditTrailNoSecrets() throws {
        var docket = try DocketBinary()
        let sandbox = try SandboxProcess(docket)
        try sandbox.configure(&docket)
        try docket.run("import", DocketBinary.fixture("cropster-seed.json"), DocketBinary.fixture("centra-seed.json"))
        let result = try docket.run("submit", "--target", "cropster", "--json")
        #expect(result.status == 2)
        let report = try JSONParser.parse(result.stdout).objectValue!
        #expect(Set(report.keys).isSuperset(of: ["batch", "target", "dialect", "counts", "orders"]))
        #expect(Set(report["counts"]!.objectValue!.keys) == ["accepted", "exists", "rejected", "not_saved", "skipped", "unknown", "pending"])
        let first = report["orders"]!.arrayValue!.first!.objectValue!
        #expect(Set(first.keys) == ["externalId", "outcome", "remoteIds", "errors"])
        let skipped = report["orders"]!.arrayValue!.first { $0.objectValue?["outcome"] == .string("skipped") }
        let error = skipped?.objectValue?["errors"]?.arrayValue?.first?.objectValue
        #expect(error.map { Set($0.keys) } == ["code", "message", "field"])

        let batch = try #require(report["batch"]?.stringValue)
        let shown = try docket.run("batch", "show", batch, "--json")
        #expect(shown.status == 2)
        let showReport = try JSONParser.parse(shown.stdout).objectValue!
        #expect(showReport["counts"] == report["counts"])
        #expect(showReport["requests"]?.arrayValue?.isEmpty == false)
        let listed = try JSONParser.parse(try docket.run("batches", "--json").stdout)
        #expect(listed.arrayValue?.first?.objectValue?["batch"] == .string(batch))

        var everything = [shown.stdout, shown.stderr, result.stdout, result.stderr, try docket.run("batches").stdout]
        for format in ["json", "docket", "csv", "cropster", "centra"] {
            let exported = try docket.run("export", "--format", format)
            everything += [exported.stdout, exported.stderr]
        }
        var files = [docket.storePath]
        if FileManager.default.fileExists(atPath: docket.storePath + "-wal") { files.append(docket.storePath + "-wal") }
        for secret in ["cropster-demo-secret", "centra-demo-secret", "mirakl-demo-secret", "omnia-demo-secret", "dropday-demo-key"] {
            for file in files {
                #expect(try Data(contentsOf: URL(fileURLWithPath: file)).range(of: Data(secret.utf8)) == nil, "\(file)")
            }
            #expect(!everything.contains { $0.contains(secret) })
        }
    }

    @Test func dryRunSendsNothingAndAnEmptySelectionSaysSo() throws {
        var docket = try DocketBinary()
        let sandbox = try SandboxProcess(docket)
        try sandbox.configure(&docket)
        let empty = try docket.run("submit", "--target", "omnia")
        #expect(empty.status == 0)
        #expect(empty.stdout.contains("No orders to send"))
        try docket.run("import", DocketBinary.fixture("omnia-example.json"))
        let dry = try docket.run("submit", "--target", "omnia", "--dry-run")
        #expect(dry.status == 0, "\(dry.stdout)")
        #expect(dry.stdout.contains("1 request"))
        #expect(try docket.run("batches", "--json").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        let sent = try docket.run("submit", "--target", "omnia")
        #expect(sent.status == 0)
        let orders = try JSONParser.parse(try docket.run("orders", "--json").stdout)
        #expect(orders.arrayValue?.first?.objectValue?["lastOutcome"] == .string("accepted"))
        #expect(orders.arrayValue?.first?.objectValue?["lastTarget"] == .string("omnia"))
    }
}

@Suite(.serialized) struct SeedSubmissionTests {
    @Test func theDocumentsOwnExamplesAreAcceptedByTheSandbox() throws {
        var docket = try DocketBinary()
        let sandbox = try SandboxProcess(docket)
        try sandbox.configure(&docket)
        for (file, dialect, ids) in [("cropster-seed.json", "cropster", ["PRC-ORD-101"]), ("centra-seed.json", "centra", ["x123"]),
                                     ("mirakl-example.json", "mirakl", ["MK-1001"]), ("omnia-example.json", "omnia", ["OM-5001"]),
                                     ("dropday-seed.json", "dropday", ["L41223D"])] {
            try docket.run("import", DocketBinary.fixture(file))
            let result = try docket.run(["submit", "--target", dialect, "--ids", ids.joined(separator: ","), "--json"])
            #expect(result.status == 0, "\(dialect): \(result.stdout.prefix(1500))")
        }
    }

    @Test func whatOneTargetTookIsNotResentAfterAnotherTargetRefusedIt() throws {
        var docket = try DocketBinary()
        let sandbox = try SandboxProcess(docket)
        try sandbox.configure(&docket)
        try docket.run("import", DocketBinary.fixture("omnia-example.json"))
        #expect(try docket.run("submit", "--target", "omnia").status == 0)
        #expect(try docket.run("submit", "--target", "dropday").status == 2)
        let again = try docket.run("submit", "--target", "omnia")
        #expect(again.stdout.contains("No orders to send"), "\(again.stdout)")
    }

    @Test func anOrderChangedAfterItWasAcceptedGoesAgainToAnUpsertTarget() throws {
        var docket = try DocketBinary()
        let sandbox = try SandboxProcess(docket)
        try sandbox.configure(&docket)
        try docket.run("import", DocketBinary.fixture("cropster-seed.json"))
        #expect(try docket.run("submit", "--target", "cropster").status == 0)
        // Re-imported with another quantity: version 2.
        let changed = try String(contentsOfFile: DocketBinary.fixture("cropster-seed.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"quantity\": 1", with: "\"quantity\": 3")
        let imported = try docket.run("import", try docket.write("changed.json", changed))
        #expect(imported.stdout.contains("1 replaced"), "\(imported.stdout)")
        let listed = try docket.run("orders", "--changed")
        #expect(listed.stdout.contains("PRC-ORD-101"))
        let shown = try docket.run("order", "show", "PRC-ORD-101")
        #expect(shown.stdout.contains("changed since cropster said accepted (v1, now v2)"), "\(shown.stdout)")
        // Cropster updates what it holds: the change goes, and only once.
        let dry = try docket.run("submit", "--target", "cropster", "--dry-run")
        #expect(dry.stdout.contains("1 order, 1 request"), "\(dry.stdout)")
        #expect(try docket.run("submit", "--target", "cropster").status == 0)
        #expect(try docket.run("submit", "--target", "cropster").stdout.contains("No orders to send"))
        // Taken at its new version: no longer changed since.
        #expect(!(try docket.run("orders", "--changed", "--target", "cropster").stdout.contains("PRC-ORD-101")))
        _ = sandbox
    }
}

@Suite(.serialized) struct ResumeTests {
    @Test func killedMidBatchThenResumedEndsWithEveryOrderTakenOnce() throws {
        var docket = try DocketBinary()
        let sandbox = try SandboxProcess(docket, arguments: ["--faults", "latency=100ms"])
        try sandbox.configure(&docket)
        var g = OrderGenerator(seed: 200)
        let lines = (0..<200).map { JSONWriter.string(CanonicalCodec.encode(g.order($0, prefix: "K-"))) }
        try docket.run("import", try docket.write("orders.jsonl", lines.joined(separator: "\n")))
        let (process, _, _) = try docket.start(["submit", "--target", "dropday"])
        // Kill it once the batch is under way (200 requests of 100 ms, 8 at a time, take 2.5 s).
        var started = false
        for _ in 0..<100 where !started {
            Thread.sleep(forTimeInterval: 0.05)
            let listed = try JSONParser.parse(try docket.run("batches", "--json").stdout).arrayValue ?? []
            started = !listed.isEmpty
        }
        Thread.sleep(forTimeInterval: 0.4)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let unfinished = try JSONParser.parse(try docket.run("batches", "--json").stdout).arrayValue ?? []
        #expect(unfinished.first?.objectValue?["finishedAt"] == .null)
        let resumed = try docket.run("resume", "--json")
        #expect(resumed.status == 0, "\(resumed.stdout.prefix(1500))\(resumed.stderr)")
        let report = try JSONParser.parse(resumed.stdout).objectValue
        let counts = report?["counts"]?.objectValue
        #expect(counts?["pending"] == .number("0"))
        #expect(counts?["unknown"] == .number("0"))
        let taken = (report?["orders"]?.arrayValue ?? []).filter {
            [.string("accepted"), .string("exists")].contains($0.objectValue?["outcome"] ?? .null)
        }
        #expect(taken.count == 200)
        #expect(try sandbox.orders("dropday") == 200)
        #expect(try docket.run("resume").stdout.contains("No unfinished batches"))
    }
}

extension SubmitCommandTests {
    /// Dropday cannot recognise an order sent twice, so an order's "about to
    /// be sent" must be in the store before it goes. When the store refuses
    /// that entry (here a trigger stands for a full disk or a lost server),
    /// nothing is sent: the orders end not_saved, saying why, and the next
    /// submit sends them once and sees them accepted, not "already there".
    @Test func anOrderWhoseSendingCannotBeJournaledIsNotSent() throws {
        var docket = try DocketBinary()
        let sandbox = try SandboxProcess(docket)
        try sandbox.configure(&docket)
        var g = OrderGenerator(seed: 41)
        let lines = (0..<3).map { JSONWriter.string(CanonicalCodec.encode(g.order($0, prefix: "J-"))) }
        try docket.run("import", try docket.write("orders.jsonl", lines.joined(separator: "\n")))
        try DatabaseQueue(path: docket.storePath).write {
            try $0.execute(sql: "CREATE TRIGGER refuse_sending BEFORE UPDATE OF attempts ON batch_orders BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
        }
        let refused = try docket.run("submit", "--target", "dropday", "--json")
        #expect(refused.status == 2, "\(refused.stdout.prefix(1500))\(refused.stderr)")
        let report = try JSONParser.parse(refused.stdout).objectValue
        #expect(report?["counts"]?.objectValue?["not_saved"] == .number("3"), "\(refused.stdout.prefix(3000))")
        let message = report?["orders"]?.arrayValue?.first?.objectValue?["errors"]?.arrayValue?.first?.objectValue?["message"]?.stringValue ?? ""
        #expect(message.contains("were not sent") && message.contains("disk is full"), "\(message)")
        #expect(try sandbox.orders("dropday") == 0)
        try DatabaseQueue(path: docket.storePath).write { try $0.execute(sql: "DROP TRIGGER refuse_sending") }
        let sent = try docket.run("submit", "--target", "dropday", "--json")
        #expect(sent.status == 0, "\(sent.stdout.prefix(1500))\(sent.stderr)")
        #expect(try JSONParser.parse(sent.stdout).objectValue?["counts"]?.objectValue?["accepted"] == .number("3"))
        #expect(try sandbox.orders("dropday") == 3)
    }
}

@Suite(.serialized) struct DemoTests {
    /// `docket demo --no-console` running, and what it printed until it said
    /// how to stop it.
    static func startDemo(_ docket: DocketBinary, _ folder: String) throws -> (Process, String) {
        let (process, out, _) = try docket.start(["demo", "--folder", folder, "--no-console"])
        var text = ""
        while !text.contains("Ctrl-C") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        return (process, text)
    }

    @Test func theDemoServesItsTargetsAndItsOrdersMeetVariedFates() throws {
        let docket = try DocketBinary()
        let folder = docket.path("demo")
        let (process, text) = try Self.startDemo(docket, folder)
        defer { process.interrupt(); process.waitUntilExit() }
        // 3000 generated orders and 5 in the vendors' fuller shapes.
        #expect(text.contains("3005 orders"))
        let result = try docket.run("submit", "--store", folder + "/demo.sqlite", "--config", folder + "/demo.toml", "--target", "cropster", "--json")
        #expect(result.status == 2)
        let counts = try JSONParser.parse(result.stdout).objectValue?["counts"]?.objectValue
        // Of the vendor-shaped ones, Cropster takes its own (its date sent in
        // UTC) and Omnia's (whose stray field is Omnia's alone); the Centra and
        // Dropday orders have no order date and are skipped.
        #expect(counts?["accepted"] == .number("2792"))
        #expect(counts?["rejected"] == .number("30"))
        #expect(counts?["skipped"] == .number("63"))
        let outcomes = try JSONParser.parse(result.stdout).objectValue?["orders"]?.arrayValue ?? []
        #expect(outcomes.first { $0.objectValue?["externalId"] == .string("DEMO-CROPSTER-TZ") }?.objectValue?["outcome"] == .string("accepted"))
        let omnia = try docket.run("submit", "--store", folder + "/demo.sqlite", "--config", folder + "/demo.toml", "--target", "omnia",
                                   "--ids", "DEMO-OMNIA-STRAY", "--json")
        let stray = try JSONParser.parse(omnia.stdout).objectValue?["orders"]?.arrayValue?.first?.objectValue
        #expect(stray?["outcome"] == .string("skipped"))
        #expect(stray?["errors"]?.arrayValue?.first?.objectValue?["field"] == .string("giftMessage"))
    }

    /// README.txt's commands run as printed, in a plain shell: the binary by
    /// its whole path, the store and config exported once.
    @Test func theDemoReadmeCommandsRunAsPrinted() throws {
        let docket = try DocketBinary()
        let folder = docket.path("demo")
        let (process, _) = try Self.startDemo(docket, folder)
        defer { process.interrupt(); process.waitUntilExit() }
        let readme = try String(contentsOfFile: folder + "/README.txt", encoding: .utf8)
        #expect(readme.contains("--fresh"))
        let commands = readme.split(separator: "\n").filter { $0.hasPrefix("  ") }.map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(commands.filter { $0.hasPrefix("export ") }.count == 2)
        #expect(!commands.contains { $0.hasPrefix("docket ") }, "docket is not on PATH after swift run")
        #expect(!commands.contains { $0.contains("--store") || $0.contains("--config") })
        let script = commands.filter { !$0.hasSuffix("demo --fresh") }.map { $0 + " > /dev/null; echo \"EXIT $?\"" }
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/bash")
        shell.arguments = ["--noprofile", "--norc", "-c", script.joined(separator: "\n")]
        shell.environment = ["PATH": "/usr/bin:/bin", "HOME": docket.path("home")]
        let pipe = Pipe()
        shell.standardOutput = pipe
        shell.standardError = pipe
        try shell.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        let statuses = output.split(separator: "\n").filter { $0.hasPrefix("EXIT ") }
        #expect(statuses.count == commands.count, "\(output)")
        // 0 or 2 (some orders refused or invalid): never "not found" or a usage error.
        #expect(statuses.allSatisfy { $0 == "EXIT 0" || $0 == "EXIT 2" }, "\(output)")
        #expect(!output.contains("not found"), "\(output)")
    }

    /// docket fix: the preview, then each order saved at the version shown.
    @Test func fixReplacesOneValueOnTheSelectedOrders() throws {
        let docket = try DocketBinary()
        var g = OrderGenerator(seed: 9)
        let lines = (0..<6).map { i -> String in
            var o = g.order(i)
            o.items[0].productId = i < 3 ? "OLD-1" : "KEEP-1"
            if i == 5 { o.status = .closed }
            return JSONWriter.string(CanonicalCodec.encode(o))
        }
        try docket.run("import", try docket.write("orders.jsonl", lines.joined(separator: "\n")))
        let dry = try docket.run("fix", "--replace", "items[*].productId", "OLD-1", "NEW-1", "--dry-run")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("3 orders would change; 3 orders already fit"))
        #expect(dry.stdout.contains("items[0].productId: \"OLD-1\" → \"NEW-1\""))
        #expect(dry.stdout.contains("not checked: never sent"))
        #expect(dry.stdout.contains("Dry run: nothing was saved."))
        #expect(try docket.run("order", "show", "ORD-0000000", "--json").stdout.contains("OLD-1"))
        let real = try docket.run("fix", "--replace", "items[*].productId", "OLD-1", "NEW-1", "--ids", "ORD-0000000,ORD-0000001")
        #expect(real.status == 0, "\(real.stderr)")
        #expect(real.stdout.contains("Saved 2 orders."))
        #expect(try docket.run("order", "show", "ORD-0000000", "--json").stdout.contains("NEW-1"))
        #expect(try docket.run("order", "show", "ORD-0000002", "--json").stdout.contains("OLD-1"))
        let history = try docket.run("order", "history", "ORD-0000000")
        #expect(history.stdout.contains("Version 2"), "\(history.stdout)\(history.stderr)")
        #expect(history.stdout.contains("(fix)"))
        #expect(history.stdout.contains("items[0].productId: \"OLD-1\" → \"NEW-1\""))
        let json = try JSONParser.parse(try docket.run("order", "history", "ORD-0000000", "--json").stdout)
        #expect(json.arrayValue?.first?.objectValue?["source"] == .string("fix"))
        let set = try docket.run("fix", "--set", "currency=USD", "--ids", "ORD-0000005")
        #expect(set.stdout.contains("1 order are not OPEN") || set.stdout.contains("not OPEN"))
        let bad = try docket.run("fix", "--set", "externalId=X")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("externalId cannot be changed"))
        let usage = try docket.run("fix", "--replace", "a", "b")
        #expect(usage.status == 1)
        #expect(usage.stderr.contains("three values"))
    }
}
