import Foundation

/// Plans and sends the console's batches: the selection read once, checked
/// and split as `docket submit` would, then claimed at the versions shown
/// and sent in the background through the process's one HTTP client.
public final class BatchComposer: Composer, @unchecked Sendable {
    public typealias Store = DocketStore
    let config: DocketConfig
    let store: any Store
    /// The process's one HTTP client, shared by every send and lookup.
    let transport: any HTTPTransport
    private let lock = NSLock()
    private var running = 0
    private var pacesByBatch: [String: Pace] = [:]

    public init(config: DocketConfig, store: any Store, transport: any HTTPTransport) {
        self.config = config
        self.store = store
        self.transport = transport
    }

    public var sending: Int {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    public var paces: [String: Pace] {
        lock.lock()
        defer { lock.unlock() }
        return pacesByBatch
    }

    func setPace(_ batch: String, _ pace: Pace?) {
        lock.lock()
        pacesByBatch[batch] = pace
        lock.unlock()
    }

    func adjust(_ delta: Int) {
        lock.lock()
        running += delta
        lock.unlock()
    }

    public var targets: [TargetChoice] {
        config.targets.values.sorted { $0.name < $1.name }.map { TargetChoice(name: $0.name, dialect: $0.dialect, validator: try? $0.validator) }
    }

    /// Reads the selection once, a page at a time, checking and splitting
    /// it as a send would; keeps each order's key, the first requests and
    /// the first refusals.
    public func plan(target name: String, query: OrderQuery) -> Result<ComposePlan, DocketError> {
        plan(target: name, query: query, while: { true })!
    }

    public func plan(target name: String, query: OrderQuery, while stillWanted: @escaping () -> Bool) -> Result<ComposePlan, DocketError>? {
        struct NoLongerWanted: Error {}
        var abandoned = false
        let result = catching {
            let target = try config.target(name)
            let engine = try SubmissionEngine.forTarget(target, transport: PlanningOnly())
            var planner = engine.planner()
            var tally = PlanTally(keepRequests: ComposePlan.shownRequests, keepSkipped: ComposePlan.shownSkipped)
            var keys: [OrderKey] = []
            try store.forEachOrder(query) {
                if keys.count % 1000 == 0, !stillWanted() {
                    abandoned = true
                    throw NoLongerWanted()
                }
                keys.append(OrderKey($0.order.externalId, version: $0.version))
                planner.add($0.order)
                tally.take(from: &planner)
            }
            planner.finish()
            tally.take(from: &planner)
            var unchanged = 0
            if query.skipUnchangedRefusals {
                var all = query
                all.skipUnchangedRefusals = false
                unchanged = try store.count(all) - keys.count
            }
            let first = tally.firstOrders.isEmpty ? ""
                : JSONWriter.string(try target.dialect.codec.encodeRequest(tally.firstOrders, options: target.encodeOptions), pretty: true)
            return ComposePlan(target: name, dialect: target.dialect, query: query, orderCount: keys.count, requests: tally.requests,
                               requestCount: tally.requestCount, largestRequest: tally.largestRequest, keys: keys,
                               skipped: tally.skipped, skippedCount: tally.skippedCount, unchangedRefused: unchanged, firstRequest: first)
        }
        return abandoned ? nil : result
    }

    public func request(_ index: Int, of plan: ComposePlan) -> Result<String, DocketError> {
        catching {
            let target = try config.target(plan.target)
            guard plan.requests.indices.contains(index) else {
                throw DocketError(index < plan.requestCount ? "only the first \(plan.requests.count) requests are shown" : "the batch has \(plan.requestCount) requests")
            }
            let orders = try store.orders(ids: plan.requests[index]).map(\.order)
            return JSONWriter.string(try target.dialect.codec.encodeRequest(orders, options: target.encodeOptions), pretty: true)
        }
    }

    func catching<T>(_ body: () throws -> T) -> Result<T, DocketError> {
        do {
            return .success(try body())
        } catch let e as DocketError {
            return .failure(e)
        } catch {
            return .failure(DocketError("\(error)"))
        }
    }

    /// Claims exactly the plan's orders at the versions it showed (those
    /// another batch holds or someone changed since are left out, and the
    /// answer says so) and sends them in the background.
    public func send(_ plan: ComposePlan) -> Result<SendStarted, DocketError> {
        catching {
            let target = try config.target(plan.target)
            _ = try SubmissionEngine.url(for: target)
            // Each order at the version planned: a newer one is not what the
            // screen showed, and the claim leaves it out.
            let id = BatchRunner.newBatchId()
            let owner = BatchOwner.current()
            let claim = try store.createBatch(id: id, target: target.name, dialect: target.dialect,
                                              orders: plan.keys.map { ($0.externalId, $0.version) }, owner: owner, recheck: plan.query)
            let leftOut = claim.explanation(target: target.name, owners: try store.owners(claim.busy.values))
            guard !claim.claimed.isEmpty else { return SendStarted(batch: nil, leftOut: leftOut) }
            let claimed = claim.claimed
            let versions = claim.versions(from: plan.keys.lazy.map { ($0.externalId, $0.version) })
            let store = self.store
            let transport = self.transport
            adjust(1)
            Task.detached { [self] in
                defer {
                    adjust(-1)
                    setPace(id, nil)
                }
                do {
                    let engine = try SubmissionEngine.forTarget(target, transport: transport)
                    setPace(id, await engine.pacer.pace)
                    // Only the journal can fail from here, after requests went
                    // out: their outcomes stand, and the batch is ended.
                    do {
                        let pages = StoredOrderPages(store: store, ids: claimed, versions: versions)
                        _ = try await BatchRunner.run(engine: engine, journal: store, id: id, total: claimed.count,
                                                      pages: pages,
                                                      owner: owner) { [self] progress in
                            if let pace = progress.pace { setPace(id, pace) }
                        }
                    } catch {
                        try? store.finishBatch(id)
                    }
                } catch {
                    // Nothing was sent: the target's settings are not usable.
                    try? store.record(batch: id, target: target.name, [.outcomes(claimed.map {
                        OrderOutcome(externalId: $0, outcome: .notSaved, errors: [OrderIssue(code: "error", message: "\(error)")])
                    })])
                    try? store.finishBatch(id)
                }
            }
            return SendStarted(batch: id, leftOut: leftOut)
        }
    }

    /// Looks the batch's unknown orders up at its target in the background;
    /// the outcomes land in the store, where the Batch screen reads them.
    public func reconcile(batch: BatchSummary) -> Result<String, DocketError> {
        catching {
            let target = try config.target(batch.target)
            let unknown = batch.counts[.unknown] ?? 0
            let transport = self.transport
            let store = self.store
            adjust(1)
            Task.detached { [self] in
                defer { adjust(-1) }
                if let reconciler = try? Reconciler.forTarget(target, transport: transport) {
                    _ = try? await reconciler.reconcile(batch: batch.id, store: store)
                }
            }
            return "Looking up \(Plural.orders(unknown)) at \(target.name); their outcomes fill in as answers arrive (docket reconcile \(batch.id) says more)."
        }
    }
}

/// Planning never sends; anything that tries is told so.
public struct PlanningOnly: HTTPTransport {
    public init() {}
    public func send(_ request: HTTPRequestData, timeout: Double) async throws(TransportError) -> HTTPResponseData {
        throw .unreachable("planning only")
    }
}
