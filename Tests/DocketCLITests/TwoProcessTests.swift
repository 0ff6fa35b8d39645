import DocketCore
import Foundation
import Testing

/// Two real docket processes on one store: what one is sending, the other
/// leaves alone, and says so.
@Suite(.serialized) struct TwoProcessTests {
    /// A store of `n` Dropday orders and a sandbox that takes 50 ms per
    /// request, so a batch takes long enough for a second process to meet it.
    func setUp(_ n: Int, _ store: CLIStore) throws -> (DocketBinary, SandboxProcess)? {
        guard var docket = try store.binary() else { return nil }
        let sandbox = try SandboxProcess(docket, arguments: ["--faults", "latency=50ms"])
        try sandbox.configure(&docket)
        var g = OrderGenerator(seed: 40)
        let orders = (0..<n).map { i -> Order in
            var o = g.order(i, prefix: "TWO-")
            o.importedFrom = .dropday
            return o
        }
        let file = try docket.write("orders.json", JSONWriter.string(try DropdayCodec().encodeRequest(orders, options: EncodeOptions())))
        let imported = try docket.run("import", "--format", "dropday", file)
        #expect(imported.status == 0, "\(imported.stderr)")
        return (docket, sandbox)
    }

    func finish(_ p: (Process, Pipe, Pipe)) -> DocketBinary.Result {
        let o = p.1.fileHandleForReading.readDataToEndOfFile()
        let e = p.2.fileHandleForReading.readDataToEndOfFile()
        p.0.waitUntilExit()
        return DocketBinary.Result(status: p.0.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func outcomes(_ r: DocketBinary.Result) throws -> [String: String] {
        let orders = try JSONParser.parse(r.stdout).objectValue?["orders"]?.arrayValue ?? []
        var map: [String: String] = [:]
        for o in orders {
            if let id = o.objectValue?["externalId"]?.stringValue { map[id] = o.objectValue?["outcome"]?.stringValue }
        }
        return map
    }

    @Test(arguments: CLIStore.allCases)
    func twoSubmitsAtOnceSendEachOrderOnce(store: CLIStore) throws {
        guard let (docket, sandbox) = try setUp(200, store) else { return }
        let first = try docket.start(["submit", "--target", "dropday", "--json"])
        let second = try docket.start(["submit", "--target", "dropday", "--json"])
        let (a, b) = (finish(first), finish(second))
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        let (oa, ob) = (try outcomes(a), try outcomes(b))
        // Every order went out from exactly one of them, and was created
        // (a second send would have come back "already exists").
        // Each read all 200; the first to claim took them all, the other
        // none (it found them claimed, or, started late, already taken).
        #expect([oa.count, ob.count].sorted() == [0, 200])
        #expect((Array(oa.values) + Array(ob.values)).allSatisfy { $0 == "accepted" })
        let idle = oa.isEmpty ? a : b
        #expect(idle.stderr.isEmpty || idle.stderr.contains("200 orders left out: batch B"), "\(idle.stderr)")
        // The store agrees: each order in one batch only.
        let batches = try JSONParser.parse(try docket.run("batches", "--json").stdout).arrayValue ?? []
        #expect(batches.reduce(0) { $0 + Int($1.objectValue?["orders"].flatMap { if case .number(let n) = $0 { n } else { nil } } ?? "0")! } == 200)
        _ = sandbox
    }

    @Test(arguments: CLIStore.allCases)
    func aBatchBeingSentIsNeitherResumedNorSentAgainByAnotherProcess(store: CLIStore) throws {
        guard let (docket, sandbox) = try setUp(200, store) else { return }
        let sending = try docket.start(["submit", "--target", "dropday", "--json"])
        // Wait until its batch is in the store and under way.
        var batch: String?
        let deadline = Date().addingTimeInterval(30)
        while batch == nil, Date() < deadline {
            let list = try JSONParser.parse(try docket.run("batches", "--json").stdout).arrayValue ?? []
            batch = list.first { $0.objectValue?["finishedAt"] == .null }?.objectValue?["batch"]?.stringValue
            if batch == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        let id = try #require(batch)
        let resumeAny = try docket.run("resume")
        #expect(resumeAny.status == 0)
        #expect(resumeAny.stdout.contains("Nothing to resume: batch \(id) is still being sent by process"), "\(resumeAny.stdout)")
        let resumeIt = try docket.run("resume", id)
        #expect(resumeIt.status == 1)
        #expect(resumeIt.stderr.contains("batch \(id) is still being sent by process"), "\(resumeIt.stderr)")
        let again = try docket.run("submit", "--target", "dropday")
        #expect(again.stderr.contains("orders left out: batch \(id) is sending them to dropday"), "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("Nothing sent."))
        let done = finish(sending)
        #expect(done.status == 0, "\(done.stderr)")
        let all = try outcomes(done)
        #expect(all.count == 200)
        #expect(all.values.allSatisfy { $0 == "accepted" })
        _ = sandbox
    }
}
