import DocketCore
import DocketHTTP
import DocketSandbox
import Foundation
import Testing

/// A target that sets the pace with 429s: every order still gets in, once,
/// and the engine slows down for it instead of burning its attempts.
@Suite(.serialized) struct PacingTests {
    @Test func aRateLimitedTargetTakesEveryOrderOnceAndTheEngineSlowsDown() async throws {
        var faults = Faults()
        faults.rateLimit = 40
        faults.latency = 0.02
        let rig = try await Rig.start(faults: faults)
        let engine = try rig.engine(.cropster) { $0.batchSize = 10; $0.concurrency = 16 }
        let paces = PaceLog()
        let outcomes = await engine.run(orders(400)) { event in
            if case .response = event { await paces.add(await engine.pacer.pace) }
        }
        #expect(outcomes.count == 400)
        #expect(outcomes.allSatisfy { $0.outcome == .accepted }, "\(outcomes.filter { $0.outcome != .accepted }.prefix(3))")
        #expect(await rig.sandbox.state.orderIds(.cropster).count == 400)
        let seen = await paces.all
        #expect(seen.contains { $0.throttled > 0 }, "16 at once is over 40 requests a second")
        #expect(seen.contains { $0.concurrency < 16 }, "a 429 lowers the concurrency")
        await rig.stop()
    }

    /// On loopback, with no latency, concurrency is no lever: any pace is
    /// over 40 a second, and Retry-After does the pacing. Every order
    /// still gets in, however many 429s it takes, while others get through.
    @Test func withoutLatencyRetryAfterPacesAndNoOrderIsLost() async throws {
        var faults = Faults()
        faults.rateLimit = 40
        let rig = try await Rig.start(faults: faults)
        let result = try await rig.submit(.cropster, orders(300)) { $0.batchSize = 10; $0.concurrency = 16 }
        #expect(result.values.allSatisfy { $0.outcome == .accepted }, "\(result.values.filter { $0.outcome != .accepted }.prefix(2))")
        #expect(await rig.sandbox.state.orderIds(.cropster).count == 300)
        await rig.stop()
    }

    @Test func ordersThatOnlyEverMeet429AreNotSavedNotUnknown() async throws {
        var faults = Faults()
        faults.rateLimited = 1
        faults.retryAfter = 0
        let rig = try await Rig.start(faults: faults)
        let result = try await rig.submit(.cropster, orders(3)) { $0.batchSize = 1 }
        #expect(result.values.allSatisfy { $0.outcome == .notSaved }, "\(result.values.map(\.outcome))")
        let message = result.values.first?.errors.first?.message ?? ""
        #expect(message.contains("429") && message.contains("nothing was saved"), "\(message)")
        await rig.stop()
    }

    @Test func randomThrottlingDoesNotUseUpTheAttempts() async throws {
        var faults = Faults()
        faults.rateLimited = 0.5
        faults.retryAfter = 0
        faults.seed = 11
        let rig = try await Rig.start(faults: faults)
        // Three attempts would lose an order to 429s one time in eight.
        let result = try await rig.submit(.centra, orders(60)) { $0.batchSize = 2; $0.settings["max_attempts"] = "3" }
        #expect(result.values.allSatisfy { $0.outcome == .accepted }, "\(result.values.filter { $0.outcome != .accepted }.map(\.errors))")
        #expect(await rig.sandbox.state.orderIds(.centra).count == 60)
        await rig.stop()
    }

    @Test func theSandboxRateFaultIsARealLimit() async throws {
        #expect(try Faults(spec: "rate=60").rateLimit == 60)
        #expect(throws: DocketError.self) { try Faults(spec: "rate=0") }
        var faults = Faults()
        faults.rateLimit = 5
        let state = SandboxState(options: SandboxOptions(faults: faults))
        // A burst of a tenth of a second's worth passes, then 429 with Retry-After.
        var statuses: [Int] = []
        for i in 0..<4 {
            let body = #"{"orders":[{"externalId":"R-\#(i)"}]}"#
            if case .reply(let r) = await state.handle(SandboxRequest(method: "POST", path: "/dropday/api/v1/orders", headers: [], body: Array(body.utf8))) {
                statuses.append(r.status)
                if r.status == 429 { #expect(r.headers.contains { $0.0 == "Retry-After" }) }
            }
        }
        #expect(statuses.first != 429)
        #expect(statuses.contains(429))
    }
}

actor PaceLog {
    var all: [Pace] = []
    func add(_ p: Pace) { all.append(p) }
}
