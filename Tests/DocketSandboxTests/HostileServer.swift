import DocketTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP server on a loopback port that misbehaves on purpose: it
/// reads each request whole, then answers with headers that promise a body
/// and drips that body in one byte at a time, slower than any timeout.
final class DripServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var stopped = false
    private var connections: [Int32] = []
    private(set) var requestsSeen = 0

    /// When set, every request gets these bytes (headers and body, as
    /// they stand) and the connection closes; empty: closed unanswered.
    let canned: [UInt8]?

    init(byteEvery interval: Double = 0.25, canned: [UInt8]? = nil) throws {
        self.canned = canned
        (fd, port) = try Loopback.listen()
        let thread = Thread { [self] in acceptLoop(interval) }
        thread.start()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Only this thread closes the listening socket, once `accept` fails
    /// or the server is stopped: closed from elsewhere, its number could be
    /// reused by another socket of this process (a sandbox's) while this
    /// loop still accepts on it, and take that socket's connections.
    private func acceptLoop(_ interval: Double) {
        defer { close(fd) }
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { return }
            lock.lock()
            if stopped { lock.unlock(); close(client); return }
            connections.append(client)
            requestsSeen += 1
            lock.unlock()
            Thread { [self] in serve(client, interval) }.start()
        }
    }

    private func serve(_ client: Int32, _ interval: Double) {
        defer { finish(client) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var received: [UInt8] = []
        // The headers, then as much body as Content-Length says.
        while true {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { return }
            received += buffer[0..<n]
            // A TLS handshake (a client that expects https) gets the canned
            // plain answer at once, as a server that does not speak TLS would.
            if canned != nil, received.first == 0x16 { break }
            let text = String(decoding: received, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<end.lowerBound].lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if received.count - text.utf8.distance(from: text.utf8.startIndex, to: end.upperBound.samePosition(in: text.utf8)!) >= length { break }
        }
        if let canned {
            var sent = 0
            while sent < canned.count {
                let n = canned[sent...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                sent += n
            }
            return
        }
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        _ = head.withCString { write(client, $0, strlen($0)) }
        for _ in 0..<100_000 {
            Thread.sleep(forTimeInterval: interval)
            lock.lock()
            let done = stopped
            lock.unlock()
            if done { break }
            var byte: UInt8 = 0x20
            if write(client, &byte, 1) != 1 { break }
        }
    }

    /// Forgets a connection before closing it, so `stop` never shuts down
    /// a socket number another part of the process has since been given.
    private func finish(_ client: Int32) {
        lock.lock()
        connections.removeAll { $0 == client }
        close(client)
        lock.unlock()
    }

    func stop() {
        lock.lock()
        stopped = true
        for c in connections { shutdown(c, Int32(SHUT_RDWR)) }
        lock.unlock()
        // Wakes the accept loop, which closes the socket itself.
        shutdown(fd, Int32(SHUT_RDWR))
    }
}
