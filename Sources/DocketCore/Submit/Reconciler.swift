import Foundation

/// Settles `unknown` outcomes by asking the target whether it has the
/// order, where its API can say: Dropday by external id, Centra by its
/// integer order number. Found orders become `accepted` with the target's
/// id; orders it does not have become `not_saved`, so the next send takes
/// them as never sent. Every lookup is kept in the batch's audit trail.
///
/// Cropster, Mirakl and Omnia take orders by upsert: sending an `unknown`
/// order again is the safe way to settle it there, and nothing is asked.
public struct Reconciler: Sendable {
    public let target: TargetConfig
    let transport: any HTTPTransport
    let authenticator: Authenticator
    let timeout: Double
    let options: EncodeOptions

    public init(target: TargetConfig, transport: any HTTPTransport, authenticator: Authenticator, timeout: Double) {
        self.target = target
        self.transport = transport
        self.authenticator = authenticator
        self.timeout = timeout
        options = target.encodeOptions
    }

    public static func forTarget(_ target: TargetConfig, transport: any HTTPTransport) throws(DocketError) -> Reconciler {
        let settings = try SubmissionSettings(target: target)
        return Reconciler(target: target, transport: transport,
                          authenticator: try .forTarget(target, transport: transport, settings: settings), timeout: settings.timeout)
    }

    /// Whether this target's API can say if it has an order.
    public static func canLookUp(_ dialect: Dialect) -> Bool { dialect == .dropday || dialect == .centra }

    /// What a lookup found about one order.
    public enum Finding: Sendable, Equatable {
        case found(remoteId: String?)
        case notFound
        /// Nothing was asked, and why.
        case notAsked(String)
        /// Asked, but no answer that settles it.
        case failed(String)
    }

    public struct Lookup: Sendable {
        public var externalId: String
        public var finding: Finding
        /// The exchanges it took, for the audit trail (retries included).
        public var exchanges: [RequestRecord]

        /// The outcome to record, or nil when the order stays `unknown`.
        public func outcome(target: String) -> OrderOutcome? {
            switch finding {
            case .found(let id):
                return OrderOutcome(externalId: externalId, outcome: .accepted, remoteIds: id.map { [$0] } ?? [])
            case .notFound:
                return OrderOutcome(externalId: externalId, outcome: .notSaved, errors: [
                    OrderIssue(code: "not_found", message: "looked up at \(target): it does not have this order, so the send that went unanswered saved nothing; the next send takes it"),
                ])
            case .notAsked, .failed:
                return nil
            }
        }
    }

    /// The lookup request for one order, or why there is none.
    func request(for order: Order) -> Result<String, DocketError> {
        let base = SubmissionEngine.baseURL(of: target)
        func q(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s }
        switch target.dialect {
        case .dropday:
            return .success(base + "/api/v1/orders?external_id=\(q(order.externalId))&include_test=true&per_page=100")
        case .centra:
            guard let number = CentraCodec.orderNumber(order, options: options) else {
                return .failure(DocketError("it went to Centra without an integer orderNumber, the only thing Centra can be asked by: check for it in Centra, then send it again or leave it"))
            }
            return .success(base + "/orders?order=\(number)")
        case .cropster, .mirakl, .omnia:
            return .failure(DocketError("\(target.dialect.displayName) takes orders by upsert: send it again to settle it (docket submit --target \(target.name) --outcome unknown)"))
        }
    }

    /// Asks the target about one order; `sequence` numbers its exchanges in
    /// the batch's audit trail.
    public func lookUp(_ order: Order, sequence: Int) async -> Lookup {
        var lookup = Lookup(externalId: order.externalId, finding: .failed(""), exchanges: [])
        let url: String
        switch request(for: order) {
        case .success(let u): url = u
        case .failure(let why):
            lookup.finding = .notAsked(why.message)
            return lookup
        }
        var reauthorized = false
        for attempt in 1...3 {
            let started = ContinuousClock.now
            let startedAt = ISO8601DateFormatter().string(from: Date())
            var headers: [(name: String, value: String)] = [("Accept", "application/json")]
            let auth: [(name: String, value: String)]
            do { auth = try await authenticator.headers() } catch {
                lookup.finding = .failed(error.message)
                return lookup
            }
            headers += auth
            var record = RequestRecord(sequence: sequence, attempt: attempt, method: "GET", url: url, requestBody: [], status: nil,
                                       responseBody: [], error: nil, startedAt: startedAt, milliseconds: 0, orderIds: [order.externalId])
            let response: HTTPResponseData
            do {
                response = try await transport.send(HTTPRequestData(method: "GET", url: url, headers: headers), timeout: timeout)
            } catch {
                let message = await authenticator.redactor().redact(error.message)
                record.error = message
                record.milliseconds = Self.ms(since: started)
                lookup.exchanges.append(record)
                lookup.finding = .failed("the lookup got no answer: \(message)")
                continue
            }
            let redactor = await authenticator.redactor()
            record.status = response.status
            record.responseBody = redactor.redact(response.body)
            record.milliseconds = Self.ms(since: started)
            lookup.exchanges.append(record)
            switch response.status {
            case 200:
                lookup.finding = decode(record.responseBody, order: order)
                return lookup
            case 401 where !reauthorized:
                reauthorized = true
                await authenticator.invalidate(auth)
            case 429, 500...599:
                lookup.finding = .failed("the lookup was answered HTTP \(response.status)")
                let wait = min(5, response.header("Retry-After").flatMap(Double.init) ?? Double(attempt))
                try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            case 404 where target.dialect == .dropday:
                lookup.finding = .notFound
                return lookup
            default:
                lookup.finding = .failed("the lookup was answered HTTP \(response.status)")
                return lookup
            }
        }
        return lookup
    }

    /// Reads a lookup's answer: only the documented shapes settle anything.
    func decode(_ body: [UInt8], order: Order) -> Finding {
        guard let json = try? JSONParser.parse(body).objectValue else {
            return .failed("the lookup's answer is not JSON")
        }
        switch target.dialect {
        case .dropday:
            // The filter matches parts of ids: only an exact one counts.
            guard let list = json["data"]?.arrayValue else { return .failed("the lookup's answer has no data list") }
            guard let hit = list.compactMap(\.objectValue).first(where: { $0["external_id"]?.stringValue == order.externalId }) else {
                return .notFound
            }
            return .found(remoteId: (hit["reference"] ?? hit["id"]).flatMap(scalarText))
        case .centra:
            guard json["status"]?.stringValue == "ok", let list = json["orders"]?.arrayValue else {
                return .failed("the lookup's answer is not {\"status\":\"ok\",\"orders\":[...]}")
            }
            guard let first = list.first else { return .notFound }
            return .found(remoteId: (first.objectValue?["order"] ?? first.objectValue?["orderNumber"]).flatMap(scalarText)
                          ?? CentraCodec.orderNumber(order, options: options).map(String.init))
        default:
            return .failed("nothing to read")
        }
    }

    static func ms(since start: ContinuousClock.Instant) -> Int {
        let d = ContinuousClock.now - start
        return Int(d.components.seconds * 1000) + Int(d.components.attoseconds / 1_000_000_000_000_000)
    }
}

extension Reconciler {
    /// Looks up every `unknown` order of one finished batch to this target
    /// and records what each lookup settles, exchange by exchange.
    public func reconcile(batch id: String, store: some OrderStoring & BatchHistory & BatchJournal,
                          progress: (Lookup) -> Void = { _ in }) async throws -> [Lookup] {
        guard let report = try store.batch(id) else { throw DocketError("there is no batch \(id) in the store") }
        guard report.summary.target == target.name else {
            throw DocketError("batch \(id) went to \(report.summary.target), not \(target.name)")
        }
        guard report.summary.finishedAt != nil else {
            throw DocketError("batch \(id) has not finished: docket resume \(id) finishes it first")
        }
        var sequence = (try store.requests(batch: id, withBodies: false).map(\.sequence).max() ?? 0) + 1
        var lookups: [Lookup] = []
        for o in report.outcomes where o.outcome == .unknown {
            guard let stored = try store.order(externalId: o.externalId) else { continue }
            // A later batch to this target has the newer word on it.
            if let later = stored.targets.first(where: { $0.target == target.name }), later.batch != id {
                let lookup = Lookup(externalId: o.externalId, finding: .notAsked("batch \(later.batch) sent it to \(target.name) since; its outcome there is \(later.outcome.rawValue)"), exchanges: [])
                lookups.append(lookup)
                progress(lookup)
                continue
            }
            let lookup = await lookUp(stored.order, sequence: sequence)
            if !lookup.exchanges.isEmpty { sequence += 1 }
            let settled = lookup.outcome(target: target.name).map { [$0] } ?? []
            var entries: [JournalEntry] = lookup.exchanges.dropLast().map { .response($0, settled: []) }
            if let last = lookup.exchanges.last { entries.append(.response(last, settled: settled)) }
            if !entries.isEmpty { try store.record(batch: id, target: target.name, entries) }
            lookups.append(lookup)
            progress(lookup)
        }
        return lookups
    }
}
