import DocketCore
import DocketHTTP
import DocketSandbox
import Foundation
import Testing

/// A sandbox on a free loopback port, a transport, and an engine per target.
struct Rig {
    let sandbox: RunningSandbox
    let transport: AsyncHTTPTransport
    var targets: [Dialect: TargetConfig] = [:]

    static func start(faults: Faults = Faults()) async throws -> Rig {
        let state = SandboxState(options: SandboxOptions(faults: faults))
        let sandbox = try await SandboxServer.start(state)
        var rig = Rig(sandbox: sandbox, transport: AsyncHTTPTransport())
        for t in SandboxConfig.targets(baseURL: sandbox.baseURL) { rig.targets[t.dialect] = t }
        return rig
    }

    func engine(_ dialect: Dialect, edit: (inout TargetConfig) -> Void = { _ in }) throws -> SubmissionEngine {
        var target = targets[dialect]!
        edit(&target)
        var settings = try SubmissionSettings(target: target)
        settings.baseDelay = 0.01
        return SubmissionEngine(target: target, transport: transport,
                                authenticator: try Authenticator(auth: target.auth, transport: transport),
                                validator: try target.validator, settings: settings)
    }

    func submit(_ dialect: Dialect, _ orders: [Order], edit: (inout TargetConfig) -> Void = { _ in }) async throws -> [String: OrderOutcome] {
        let outcomes = await (try engine(dialect, edit: edit)).run(orders) { _ in }
        #expect(outcomes.count == orders.count)
        return Dictionary(uniqueKeysWithValues: outcomes.map { ($0.externalId, $0) })
    }

    func stop() async {
        await transport.shutdown()
        await sandbox.stop()
    }
}

func orders(_ n: Int, seed: UInt64 = 1, prefix: String = "T-") -> [Order] {
    var g = OrderGenerator(seed: seed, itemsPerOrder: 1...3)
    return (0..<n).map { g.order($0, prefix: prefix) }
}

@Suite(.serialized) struct SandboxSubmissionTests {
    @Test(arguments: Dialect.allCases)
    func thirtyValidOrdersAreAllAccepted(dialect: Dialect) async throws {
        let rig = try await Rig.start()
        let result = try await rig.submit(dialect, orders(30))
        #expect(result.values.allSatisfy { $0.outcome == .accepted }, "\(result.values.filter { $0.outcome != .accepted }.prefix(2))")
        #expect(await rig.sandbox.state.orderIds(dialect).count == 30)
        await rig.stop()
    }
}
