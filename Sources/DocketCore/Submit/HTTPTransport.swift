/// One HTTP exchange as the submission engine sees it. The engine builds
/// requests and reads responses; `DocketHTTP` carries them, so the engine's
/// logic lives here, once, and is the same against the sandbox and the real
/// APIs.
public struct HTTPRequestData: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct HTTPResponseData: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Why an exchange had no response.
public enum TransportError: Error, Sendable, Equatable {
    /// Nothing was sent: the host could not be reached.
    case unreachable(String)
    /// Sent, but no answer in time.
    case timeout
    /// Sent, and the connection closed before a whole answer came back.
    case connectionLost(String)

    public var message: String {
        switch self {
        case .unreachable(let m): "could not connect: \(m)"
        case .timeout: "no answer in time"
        case .connectionLost(let m): m
        }
    }
}

public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequestData, timeout: Double) async throws(TransportError) -> HTTPResponseData
}
