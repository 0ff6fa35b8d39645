import DocketCore
import DocketHTTP
import DocketStore
import DocketTUI
import Foundation

/// Composes and sends batches for the console, with the config and store
/// the command line opened. Sending runs in the background and journals to
/// the store, which the console's Batch screen reads as it fills in.
final class ConsoleComposer: Composer, @unchecked Sendable {
    let config: DocketConfig
    let store: SQLiteOrderStore
    private let lock = NSLock()
    private var running = 0

    var sending: Int {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    func adjust(_ delta: Int) {
        lock.lock()
        running += delta
        lock.unlock()
    }

    init(config: DocketConfig, store: SQLiteOrderStore) {
        self.config = config
        self.store = store
    }

    var targets: [TargetChoice] {
        config.targets.values.sorted { $0.name < $1.name }.map { TargetChoice(name: $0.name, dialect: $0.dialect, validator: try? $0.validator) }
    }

    func orders(_ query: OrderQuery) throws -> [Order] {
        var list: [Order] = []
        try store.forEachOrder(query) { list.append($0.order) }
        return list
    }

    /// The target, the orders that fail local validation, and the requests
    /// the rest go out in: what `docket submit` would do.
    func split(target name: String, query: OrderQuery) throws -> (TargetConfig, Int, [OrderOutcome], [[Order]]) {
        let target = try config.target(name)
        let engine = try SubmissionEngine.forTarget(target, transport: NoTransport())
        let orders = try orders(query)
        let (skipped, requests) = engine.plan(orders)
        return (target, orders.count, skipped, requests)
    }

    func plan(target name: String, query: OrderQuery) -> Result<ComposePlan, DocketError> {
        catching {
            let (target, count, skipped, requests) = try split(target: name, query: query)
            let first = try requests.first.map { JSONWriter.string(try target.dialect.codec.encodeRequest($0, options: target.encodeOptions), pretty: true) }
            return ComposePlan(target: name, orderCount: count, requestSizes: requests.map(\.count), skipped: skipped, firstRequest: first ?? "")
        }
    }

    func request(_ index: Int, target name: String, query: OrderQuery) -> Result<String, DocketError> {
        catching {
            let (target, _, _, requests) = try split(target: name, query: query)
            guard requests.indices.contains(index) else { throw DocketError("the batch has \(requests.count) requests now; compose it again") }
            return JSONWriter.string(try target.dialect.codec.encodeRequest(requests[index], options: target.encodeOptions), pretty: true)
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

    func send(target name: String, query: OrderQuery) -> Result<String, DocketError> {
        do {
            let target = try config.target(name)
            _ = try SubmissionEngine.url(for: target)
            let orders = try orders(query)
            let id = SQLiteOrderStore.newBatchId()
            // The batch exists before the first request, as the journal requires.
            try store.createBatch(id: id, target: target.name, dialect: target.dialect, externalIds: orders.map(\.externalId))
            let store = self.store
            adjust(1)
            Task.detached { [self] in
                defer { adjust(-1) }
                let transport = AsyncHTTPTransport()
                do {
                    let engine = try SubmissionEngine.forTarget(target, transport: transport)
                    _ = try await BatchRunner.run(engine: engine, journal: store, id: id, orders: orders, resuming: true)
                } catch {
                    try? store.recordOutcomes(batch: id, target: target.name, orders.map {
                        OrderOutcome(externalId: $0.externalId, outcome: .notSaved, errors: [OrderIssue(code: "error", message: "\(error)")])
                    })
                    try? store.finishBatch(id)
                }
                await transport.shutdown()
            }
            return .success(id)
        } catch let e as DocketError {
            return .failure(e)
        } catch {
            return .failure(DocketError("\(error)"))
        }
    }
}

/// Planning never sends; anything that tries is told so.
struct NoTransport: HTTPTransport {
    func send(_ request: HTTPRequestData, timeout: Double) async throws(TransportError) -> HTTPResponseData {
        throw .unreachable("planning only")
    }
}
