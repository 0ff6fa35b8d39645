import DocketCore

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

    public init(method: String, path: String, headers: [(String, String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}
