import DocketCore
import Foundation
import Testing

/// `docket sandbox` fails loudly when it cannot listen where it was told.
@Suite(.serialized) struct SandboxCommandTests {
    /// Runs the command, killing it if it has not ended within `limit` s.
    func runBounded(_ docket: DocketBinary, _ arguments: [String], limit: Double = 20) throws -> (ended: Bool, DocketBinary.Result) {
        let (p, out, err) = try docket.start(arguments)
        let deadline = Date().addingTimeInterval(limit)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let ended = !p.isRunning
        if !ended { p.terminate() }
        p.waitUntilExit()
        return (ended, DocketBinary.Result(status: p.terminationStatus,
                                           stdout: String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                                           stderr: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)))
    }

    @Test func aTakenPortIsSaidAtOnce() throws {
        let docket = try DocketBinary()
        let first = try SandboxProcess(docket)
        let (ended, result) = try runBounded(docket, ["sandbox", "--port", String(first.port)])
        #expect(ended, "the second sandbox kept running")
        #expect(result.status == 1)
        #expect(result.stderr.contains("another program is using that port"), "\(result.stderr)")
    }

    @Test(arguments: ["70000", "-1"])
    func aPortOutOfRangeIsRefused(port: String) throws {
        let (ended, result) = try runBounded(try DocketBinary(), ["sandbox", "--port=\(port)"])
        #expect(ended && result.status == 1)
        #expect(result.stderr.contains("--port must be from 0 to 65535"), "\(result.stderr)")
    }
}
