import DocketCore
import Foundation

/// What the sandbox answers to one request, before faults are applied.
public struct SandboxReply: Sendable {
    public var status: Int
    public var body: JSONValue?
    public var headers: [(String, String)] = []
    /// Whether this request changed the sandbox's state (only such requests
    /// can have their connection dropped "after saving").
    public var saved = false

    public init(status: Int, body: JSONValue?, headers: [(String, String)] = [], saved: Bool = false) {
        self.status = status
        self.body = body
        self.headers = headers
        self.saved = saved
    }

    public var bytes: [UInt8] { body.map { JSONWriter.data($0) } ?? [] }
}

/// A request as the sandbox's handlers see it.
public struct SandboxRequest: Sendable {
    public var method: String
    public var path: String
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// When its head reached the server: `latency` counts from here, so
    /// waiting for the body or for the sandbox's other requests is inside it.
    public var arrived: ContinuousClock.Instant

    public init(method: String, path: String, headers: [(String, String)], body: [UInt8], arrived: ContinuousClock.Instant = .now) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.arrived = arrived
    }

    /// The query of a path, decoded (`?order=5&limit=2`).
    static func query(_ path: String) -> [String: String] {
        guard let q = path.split(separator: "?", maxSplits: 1).dropFirst().first else { return [:] }
        var result: [String: String] = [:]
        for pair in q.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ") }
            result[kv[0].removingPercentEncoding ?? kv[0]] = kv.count == 2 ? (kv[1].removingPercentEncoding ?? kv[1]) : ""
        }
        return result
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}
