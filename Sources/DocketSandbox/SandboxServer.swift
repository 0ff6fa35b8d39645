import DocketCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The sandbox over HTTP: a Hummingbird router in front of `SandboxState`.
public enum SandboxServer {
    struct Dropped: Error {}

    public static func router(_ state: SandboxState) -> Router<BasicRequestContext> {
        let router = Router()
        let routes: [(HTTPRequest.Method, RouterPath)] = [
            (.get, "/openapi.json"), (.post, "/cropster/oauth2/token"), (.post, "/cropster/mrp.order.setOrders"),
            (.post, "/centra/orders"), (.post, "/mirakl/oauth/token"), (.post, "/mirakl/v1/orders"),
            (.put, "/omnia/api/v3/vendor/contracts/:contract/orders"), (.post, "/dropday/api/v1/orders"),
            (.get, "/_sandbox/orders/:dialect"), (.get, "/centra/orders"), (.get, "/dropday/api/v1/orders"),
            (.get, "/dropday/api/v1/orders/:reference"),
        ]
        for (method, path) in routes {
            router.on(path, method: method) { request, _ in try await respond(request, state) }
        }
        // Another method on a known path is 405 with the ones it takes, not 404.
        var allowed: [String: [HTTPRequest.Method]] = [:]
        var order: [String] = []
        for (method, path) in routes {
            if allowed[path.description] == nil { order.append(path.description) }
            allowed[path.description, default: []].append(method)
        }
        for path in order {
            let methods = allowed[path]!
            let allow = methods.map(\.rawValue).joined(separator: ", ")
            for other in [HTTPRequest.Method.get, .post, .put, .patch, .delete] where !methods.contains(other) {
                router.on(RouterPath(path), method: other) { _, _ in
                    Response(status: .methodNotAllowed, headers: [.allow: allow, .contentType: "application/json"],
                             body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.data(["message": .string("Use \(allow) here")]))))
                }
            }
        }
        return router
    }

    static func respond(_ request: Request, _ state: SandboxState) async throws -> Response {
        let arrived = ContinuousClock.now
        let body = try await request.body.collect(upTo: 64 << 20)
        let sandboxRequest = SandboxRequest(method: request.method.rawValue, path: request.uri.query.map { request.uri.path + "?" + $0 } ?? request.uri.path,
                                            headers: request.headers.map { ($0.name.rawName, $0.value) },
                                            body: Array(buffer: body), arrived: arrived)
        switch await state.handle(sandboxRequest) {
        case .reply(let reply):
            var headers = HTTPFields()
            if reply.body != nil { headers[.contentType] = "application/json" }
            for (name, value) in reply.headers { if let n = HTTPField.Name(name) { headers[n] = value } }
            return Response(status: .init(code: reply.status), headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.bytes)))
        case .malformed(let status):
            return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"ok\": tru")))
        case .drop:
            // The change is saved; the answer never arrives whole.
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(contentLength: 4096) { writer in
                                try await writer.write(ByteBuffer(string: "{\"ok\":"))
                                throw Dropped()
                            })
        }
    }

    /// A sandbox listening on `host:port` (0 picks a free port) until the
    /// returned handle is stopped.
    public static func start(_ state: SandboxState, host: String = "127.0.0.1", port: Int = 0) async throws -> RunningSandbox {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "docket.sandbox")
        logger.logLevel = ProcessInfo.processInfo.environment["DOCKET_SANDBOX_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        let app = Application(router: router(state),
                              configuration: .init(address: .hostname(host, port: port), serverName: "docket-sandbox"),
                              onServerRunning: { channel in
                                  continuation.yield(channel.localAddress?.port ?? 0)
                                  continuation.finish()
                              },
                              logger: logger)
        // If it cannot listen, run() ends at once with the reason, and the
        // wait for "listening" ends with it instead of going on forever.
        let task = Task {
            defer { continuation.finish() }
            try await app.run()
        }
        var iterator = stream.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            task.cancel()
            if case .failure(let error) = await task.result {
                let text = "\(error)"
                if text.contains("Address already in use") || text.contains("EADDRINUSE") || text.contains("errno: 98") {
                    throw DocketError("the sandbox cannot listen on \(host):\(port): another program is using that port; pick another with --port, or --port 0 for a free one")
                }
                throw DocketError("the sandbox cannot listen on \(host):\(port): \(text)")
            }
            throw DocketError("the sandbox could not listen on \(host):\(port)")
        }
        return RunningSandbox(host: host, port: bound, state: state, task: task)
    }
}

/// A running sandbox: where it listens, its state, and how to stop it.
public struct RunningSandbox: Sendable {
    public let host: String
    public let port: Int
    public let state: SandboxState
    let task: Task<Void, any Error>

    public var baseURL: String { "http://\(host):\(port)" }

    public func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// Waits until the server stops (for `docket sandbox`).
    public func wait() async throws {
        try await task.value
    }
}
