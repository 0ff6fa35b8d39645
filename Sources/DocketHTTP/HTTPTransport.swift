import AsyncHTTPClient
import DocketCore
import Foundation
import Synchronization
import NIOCore
import NIOHTTP1

/// The submission engine's HTTP, on AsyncHTTPClient. One client per
/// process, shared by every request so connections are pooled.
public final class AsyncHTTPTransport: HTTPTransport {
    let client: HTTPClient
    /// Bodies larger than this are refused rather than held in memory.
    let maxResponseBytes = limitMiB << 20

    public init(maxConnectionsPerHost: Int = 16) {
        var config = HTTPClient.Configuration()
        config.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerHost)
        // A refused connection is reported at once, and retried (with
        // backoff) by the engine, which knows nothing was sent.
        config.connectionPool.retryConnectionEstablishment = false
        config.timeout.connect = .seconds(5)
        config.redirectConfiguration = .disallow
        config.decompression = .enabled(limit: .ratio(50))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    private let shutDown = Mutex(false)

    /// Whether this call is the one to shut the client down.
    private func claimShutdown() -> Bool {
        shutDown.withLock { done in
            defer { done = true }
            return !done
        }
    }

    public func shutdown() async {
        guard claimShutdown() else { return }
        try? await client.shutdown()
    }

    /// For a command that ends outside async code (the console).
    public func shutdownNow() {
        guard claimShutdown() else { return }
        try? client.syncShutdown()
    }

    /// A transport dropped without a shutdown (a test that failed half way)
    /// shuts its client down in the background rather than bring the
    /// process down: the task holds the client until it has.
    deinit {
        guard claimShutdown() else { return }
        let client = self.client
        Task.detached { try? await client.shutdown() }
    }

    public func send(_ request: HTTPRequestData, timeout: Double) async throws(TransportError) -> HTTPResponseData {
        var r = HTTPClientRequest(url: request.url)
        r.method = HTTPMethod(rawValue: request.method)
        for h in request.headers { r.headers.add(name: h.name, value: h.value) }
        r.headers.replaceOrAdd(name: "User-Agent", value: "docket/0.1")
        if !request.body.isEmpty { r.body = .bytes(ByteBuffer(bytes: request.body)) }
        // The timeout bounds the whole exchange: connecting, the headers and
        // every byte of the body. AsyncHTTPClient's own deadline stops at
        // the headers, so a body that drips in would hold the batch forever.
        let client = self.client, limit = maxResponseBytes, prepared = r
        do {
            return try await withThrowingTaskGroup(of: HTTPResponseData?.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, timeout: .milliseconds(Int64(timeout * 1000)))
                    let body = try await response.body.collect(upTo: limit)
                    return HTTPResponseData(status: Int(response.status.code),
                                            headers: response.headers.map { (name: $0.name, value: $0.value) },
                                            body: Array(buffer: body))
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else { throw HTTPClientError.deadlineExceeded }
                return response
            }
        } catch {
            throw Self.classify(error)
        }
    }

    /// Whether the request can have reached the target matters: an order
    /// that never left is not_saved, one that may have arrived is unknown.
    static let limitMiB = 32

    static func classify(_ error: any Error) -> TransportError {
        let text = "\(error)"
        if text.contains("TooManyBytes") {
            return .connectionLost("the answer was larger than \(limitMiB) MiB, more than Docket reads; it was not kept")
        }
        if text.contains("SSL") || text.contains("TLS") || text.contains("handshake") || text.contains("certificate") {
            return .unreachable("the secure connection (TLS) to the target failed; nothing was sent (\(text.prefix(160)))")
        }
        if let e = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .writeTimeout].contains(e) { return .timeout }
            if e == .connectTimeout { return .unreachable("connection timed out") }
            if e == .remoteConnectionClosed { return .connectionLost("the target closed the connection before its answer was whole") }
            if [.invalidURL, .emptyHost, .emptyScheme].contains(e) || text.contains("unsupportedScheme") {
                return .unreachable("the base_url is not usable (\(e))")
            }
            return .connectionLost("the connection was lost: \(text)")
        }
        if text.contains("Connection refused") || text.contains("connectionRefused") || text.contains("NIOConnectionError")
            || text.contains("No such host") || text.contains("dnsAError") {
            return .unreachable(text.contains("refused") ? "connection refused" : text)
        }
        if text.contains("uncleanShutdown") || text.contains("ioOnClosedChannel") || text.contains("Connection reset") || text.contains("connectionReset") {
            return .connectionLost("the connection was cut before the whole answer came")
        }
        return .connectionLost("the connection was lost: \(text)")
    }
}

/// The process's one HTTP client, made on the first request: a console
/// that only browses never starts the client's threads, and opens faster.
public final class LazyHTTPTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var made: AsyncHTTPTransport?

    public init() {}

    var transport: AsyncHTTPTransport {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let t = AsyncHTTPTransport()
        made = t
        return t
    }

    public func send(_ request: HTTPRequestData, timeout: Double) async throws(TransportError) -> HTTPResponseData {
        try await transport.send(request, timeout: timeout)
    }

    private func take() -> AsyncHTTPTransport? {
        lock.lock()
        defer { lock.unlock() }
        let t = made
        made = nil
        return t
    }

    public func shutdown() async { await take()?.shutdown() }
    public func shutdownNow() { take()?.shutdownNow() }
}
