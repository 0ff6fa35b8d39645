import DocketCore

/// Carries out the reducer's effects against the store and hands the
/// results back as actions. Store calls are quick keyset queries, so they
/// run in line.
public struct EffectRunner: Sendable {
    public let store: any OrderStoring
    public let history: (any BatchHistory)?
    public let composer: (any Composer)?
    public static let defaultPageSize = 200
    public var pageSize = defaultPageSize
    /// The most orders a fix previews and saves at a time.
    public var composeLimit = 20_000
    /// The most failures the Errors view groups (newest first).
    public var failureLimit = 200_000

    public init(store: any OrderStoring, history: (any BatchHistory)? = nil, composer: (any Composer)? = nil) {
        self.store = store
        self.history = history ?? (store as? any BatchHistory)
        self.composer = composer
    }

    /// `stillWanted` lets a long plan stop once nobody waits for it.
    public func run(_ effect: Effect, stillWanted: @escaping () -> Bool = { true }) -> Action {
        do {
            switch effect {
            case .loadFirst(let q, let known):
                let rows = try store.page(q, after: nil, limit: pageSize)
                return .window(rows, total: known, atStart: true, atEnd: rows.count < pageSize, cursorAtEnd: false)
            case .loadLast(let q, let known):
                var reversed = q
                reversed.descending.toggle()
                let rows = try store.page(reversed, after: nil, limit: pageSize)
                return .window(rows.reversed(), total: known, atStart: rows.count < pageSize, atEnd: true, cursorAtEnd: true)
            case .loadAfter(let q, let cursor):
                let rows = try store.page(q, after: cursor, limit: pageSize)
                return .more(rows, atEnd: rows.count < pageSize)
            case .loadBefore(let q, let cursor):
                var reversed = q
                reversed.descending.toggle()
                let rows = try store.page(reversed, after: cursor, limit: pageSize)
                return .earlier(rows.reversed(), atStart: rows.count < pageSize)
            case .refresh(let q, let from, let limit):
                let rows = try from.map { try store.page(q, from: $0, limit: limit) } ?? store.page(q, after: nil, limit: limit)
                return .refreshed(rows, total: nil, atEnd: rows.count < limit)
            case .count(let q):
                return .counted(q, try store.count(q))
            case .loadOrder(let id):
                return .orderLoaded(try store.order(externalId: id), try history?.latestOutcome(of: id), asked: id)
            case .save(let order, let version):
                do {
                    let saved = try store.save(order, expectedVersion: version)
                    return .saved(saved, try store.page(OrderQuery(ids: [order.externalId]), after: nil, limit: 1).first)
                } catch {
                    return .saveRefused((error as? DocketError)?.message ?? "\(error)", current: try store.order(externalId: order.externalId))
                }
            case .loadBatches:
                return .batchesLoaded(try history?.batches(limit: 1000) ?? [])
            case .loadBatch(let id):
                // The position first: what is written while the rest is read
                // is read again next time, never missed.
                let position = try history?.batchPosition(id)
                return .batchLoaded(try history?.batch(id), try history?.requests(batch: id, withBodies: false) ?? [], position)
            case .refreshBatch(let id, let position):
                return .batchChanged(try history?.batchChanges(id, since: position))
            case .loadExchange(let batch, let sequence, let attempt):
                return .exchangeLoaded(try history?.request(batch: batch, sequence: sequence, attempt: attempt))
            case .loadHistory(let id):
                guard let store = store as? any DocketStore else { return .failed("This store keeps no edit history.") }
                return .historyLoaded(id, try store.history(of: id))
            case .loadFailures(let q):
                return .failuresLoaded(RefusalGrouping.group(try history?.failures(q, limit: failureLimit) ?? []))
            case .previewFix(let fix, let q, let target):
                guard try store.count(q, atMost: composeLimit + 1) <= composeLimit else {
                    throw DocketError("This fix would look at more than \(composeLimit) orders, the most the console changes at a time. "
                                      + "Mark the orders or groups it is for (m), or use docket fix.")
                }
                var orders: [StoredOrder] = []
                try store.forEachOrder(q) { orders.append($0) }
                let validators = Dictionary((composer?.targets ?? []).map { ($0.name, $0.validator) }, uniquingKeysWith: { a, _ in a })
                return .fixPreviewed(FixPreview.make(fix, orders: orders) { stored in
                    guard let name = target ?? stored.lastTarget, let v = validators[name] else { return nil }
                    return (name, v)
                })
            case .saveFix(let preview):
                return .fixSaved(FixResult.save(preview, to: store))
            case .plan(let target, let query):
                guard let composer else { return .failed("Sending is not available here.") }
                guard let plan = composer.plan(target: target, query: query, while: stillWanted) else { return .dropped }
                return try .planned(plan.get())
            case .showRequest(let index, let plan):
                guard let composer else { return .failed("Sending is not available here.") }
                return try .requestShown(index, composer.request(index, of: plan).get())
            case .send(let plan):
                guard let composer else { return .failed("Sending is not available here.") }
                return try .sent(composer.send(plan).get())
            case .reconcile(let batch):
                guard let composer else { return .failed("Looking orders up is not available here.") }
                return try .started(composer.reconcile(batch: batch).get())
            }
        } catch {
            return .failed("\(error)")
        }
    }

    /// What the composer knows that the screens show: batches being sent
    /// from here, and their pace.
    func sync(_ state: inout AppState) {
        state.sending = composer?.sending ?? 0
        state.paces = composer?.paces ?? [:]
    }

    /// Applies an action and runs every effect it causes, to quiescence.
    public func apply(_ action: Action, to state: inout AppState) {
        sync(&state)
        var queue = Reducer.reduce(&state, action)
        while !queue.isEmpty {
            let effect = queue.removeFirst()
            queue += Reducer.reduce(&state, run(effect))
        }
    }

    public func start(_ state: inout AppState) {
        state.targets = composer?.targets ?? []
        state.readOnly = (store as? any DocketStore)?.isReadOnly ?? false
        for effect in Reducer.start(&state) { apply(run(effect), to: &state) }
    }
}
