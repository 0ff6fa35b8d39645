import DocketCore
import Foundation
import Testing

@Suite struct StoreCommandTests {
    /// `store copy` to the other kind of store (PostgreSQL when the tests
    /// have a server) and to a new file; `store info` counts what came.
    @Test(arguments: CLIStore.allCases)
    func copyAStoreAndSayWhatItHolds(to kind: CLIStore) throws {
        let docket = try DocketBinary()
        var g = OrderGenerator(seed: 3)
        try docket.run("import", try docket.write("o.jsonl", (0..<25).map { JSONWriter.string(CanonicalCodec.encode(g.order($0))) }.joined(separator: "\n")))
        try docket.run("fix", "--set", "currency=SEK", "--ids", "ORD-0000001")
        guard let destination = try kind.binary() else { return }
        let to = kind == .sqlite ? docket.path("copy.sqlite") : destination.storePath
        let copy = try docket.run("store", "copy", docket.storePath, to)
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(copy.stderr.contains("orders: 25 rows") && copy.stderr.contains("order_versions: 1 rows"))
        let again = try docket.run("store", "copy", docket.storePath, to)
        #expect(again.status == 1)
        #expect(again.stderr.contains("the destination already holds a store"))
        let info = try JSONParser.parse(try docket.run("store", "info", "--store", to, "--json").stdout).objectValue
        #expect(info?["backend"] == .string(kind == .sqlite ? "SQLite" : "PostgreSQL"))
        #expect(info?["rows"]?.objectValue?["orders"] == .number("25"))
        let history = try docket.run("order", "history", "ORD-0000001", "--store", to)
        #expect(history.stdout.contains("currency:") && history.stdout.contains("→ \"SEK\""))
        let bad = try docket.run("store", "info", "--store", "postgresql://u:secret@127.0.0.1/db")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("holds a password"))
        #expect(!bad.stderr.contains("secret"))
    }

    @Test func pruneSaysWhatItWouldDropAndRefusesADateItCannotRead() throws {
        let docket = try DocketBinary()
        try docket.run("import", try docket.write("o.jsonl", JSONWriter.string(CanonicalCodec.encode(Order(externalId: "P-1")))))
        let bad = try docket.run("prune", "--before", "last week")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("is not a day (YYYY-MM-DD) or a timestamp"))
        let dry = try docket.run("prune", "--before", "2999-01-01", "--dry-run")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("Would drop the bodies of 0 requests in 0 batches"))
        #expect(dry.stdout.contains("Nothing was changed."))
    }
}
